import type {
  MessagesRequest,
  SafeguardParam,
  SafeguardResult,
  ToolUseContent,
  ToolUseVerdict,
} from "@claude-gemini/core";
import {
  buildSafeguardClassifierRequest,
  createSafeguardResult,
  readSafeguardVerdicts,
} from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import type { RequestScope } from "./request-scope.js";
import { retryWithBackoff } from "./retry-with-backoff.js";

/** What {@link judgeToolUses} judges: the calls of one answer, in the context of its request. */
export interface ToolUsesToJudge {
  request: Pick<MessagesRequest, "messages" | "tools">;
  safeguard: SafeguardParam;
  toolUses: readonly ToolUseContent[];
}

/** Handlers already told that the check is switched off: said once, not on every request. */
const toldSwitchedOff = new WeakSet<object>();

/**
 * Serves Claude Code's auto-mode check (`safeguards: [{ type: "dangerous_tool_use" }]`): one
 * call to the classifier model (`autoModeCheck.model`) judges every tool call of the answer, on
 * the same key pool as other calls, bounded by `autoModeCheck.timeoutMs` in all (one retry of a
 * 429 or 5xx included). It never throws and never waves a call through by default: a
 * classifier that fails, times out or answers nonsense gives those calls `unavailable`, and
 * Claude Code then asks the person (or, with nobody to ask, does not run them). With the
 * check switched off the answer is `unsupported`, and Claude Code falls back to its own
 * behaviour. An answer without tool calls is answered without a classifier call.
 */
export async function judgeToolUses(scope: RequestScope, input: ToolUsesToJudge): Promise<SafeguardResult> {
  const { settings } = scope;
  const options = settings.autoModeCheck;
  if (!options.enabled) {
    if (!toldSwitchedOff.has(settings)) {
      toldSwitchedOff.add(settings);
      settings.logger.warn(
        "Claude Code asked for its auto-mode check, which is switched off here (autoModeCheck.enabled, ENABLE_AUTO_MODE_CHECK): answered unsupported, so Claude Code asks the person about the actions it would have checked",
        { requestId: scope.requestId },
      );
    }
    return createSafeguardResult("unsupported");
  }
  if (input.toolUses.length === 0) return createSafeguardResult({});

  const startedAt = performance.now();
  const ids = input.toolUses.map((toolUse) => toolUse.id);
  const { controller, release } = linkAbortSignal(scope.signal);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const built = buildSafeguardClassifierRequest(input, { model: options.model, models: settings.models });
    if (built.warnings.length > 0) {
      settings.logger.debug("auto-mode check request warnings", {
        requestId: scope.requestId,
        warnings: built.warnings,
      });
    }
    const { value: response } = await retryWithBackoff(
      () =>
        settings.upstream.generateContent(
          { requestId: scope.requestId, emit: scope.emit },
          {
            ...built.value,
            config: { ...built.value.config, abortSignal: controller.signal },
          },
        ),
      {
        maxAttempts: 2,
        baseDelayMs: settings.retry.baseDelayMs,
        maxTotalDelayMs: Math.min(settings.retry.maxTotalDelayMs, options.timeoutMs / 2),
        signal: controller.signal,
      },
    );
    const verdicts = readSafeguardVerdicts(response, built.aliases);
    report(scope, input.toolUses, verdicts.value, verdicts.warnings, performance.now() - startedAt);
    return verdicts.value;
  } catch (error) {
    const reason = timedOut ? "timeout" : "error";
    if (!scope.signal.aborted) {
      settings.logger.warn(
        "auto-mode check failed; the calls get no verdict and Claude Code asks the person",
        {
          requestId: scope.requestId,
          model: options.model,
          reason: timedOut ? `no answer within ${options.timeoutMs} ms` : describeError(error),
          tools: input.toolUses.map((toolUse) => toolUse.name),
        },
      );
    }
    const unavailable: ToolUseVerdict = { type: "unavailable", reason };
    return createSafeguardResult(Object.fromEntries(ids.map((id) => [id, unavailable])));
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** Flagged calls at info (a person may want to know what was stopped), the rest at debug. */
function report(
  scope: RequestScope,
  toolUses: readonly ToolUseContent[],
  result: SafeguardResult,
  warnings: readonly string[],
  durationMs: number,
): void {
  const { logger } = scope.settings;
  const verdicts = result.status.type === "available" ? result.status.tool_uses : {};
  const summary = toolUses.map((toolUse) => {
    const verdict = verdicts[toolUse.id];
    const outcome = verdict?.type === "evaluated" ? verdict.outcome : verdict?.type;
    return {
      tool: toolUse.name,
      outcome,
      ...(verdict?.type === "evaluated" && verdict.explanation ? { reason: verdict.explanation } : {}),
    };
  });
  const fields = { requestId: scope.requestId, durationMs: Math.round(durationMs), verdicts: summary };
  if (warnings.length > 0) {
    logger.warn(
      "auto-mode check answered without a verdict for some calls; Claude Code asks the person for those",
      {
        ...fields,
        warnings,
      },
    );
  } else if (summary.some((entry) => entry.outcome === "flagged")) {
    logger.info("auto-mode check flagged a tool call", fields);
  } else {
    logger.debug("auto-mode check", fields);
  }
}

/** Never a parse error's own message: it quotes the upstream text (`describe-failure.ts`). */
function describeError(error: unknown): string {
  return describeFailure(error);
}
