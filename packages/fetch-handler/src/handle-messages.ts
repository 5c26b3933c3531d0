import type {
  ConversionContext,
  DroppedFeature,
  GeminiGenerateContentParameters,
  GeminiGenerateContentResponse,
  MessagesRequest,
  SafeguardResult,
  ToolUseContent,
} from "@claude-gemini/core";
import {
  ClaudeGeminiError,
  convertToAnthropicMessage,
  convertToGeminiRequest,
  findToolUseSafeguard,
  isRetryableGeminiResponse,
  validateMessagesRequest,
} from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import { formatWarningsHeader, WARNINGS_HEADER } from "./format-warnings-header.js";
import { judgeToolUses } from "./judge-tool-uses.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import { observeUpstreamAttempt } from "./observe-upstream-attempt.js";
import { raceWithTimeout } from "./race-with-timeout.js";
import { readBetas } from "./read-betas.js";
import type { GeminiChunkStream } from "./read-gemini-event-stream.js";
import { readJsonBody } from "./read-json-body.js";
import type { RequestScope } from "./request-scope.js";
import { retryWithBackoff } from "./retry-with-backoff.js";
import { GEMINI_MODEL_HEADER, runWithFallback } from "./run-with-fallback.js";
import { type OpenedUpstream, streamAnthropicEvents } from "./stream-anthropic-events.js";

const encoder = new TextEncoder();

/**
 * `POST /v1/messages`: validates and converts the request, calls Gemini with retries, and
 * answers with a message (JSON) or an SSE stream. A stream is held back until its first
 * upstream chunk, so a failure before that is still retried or answered with a JSON status
 * the client understands (429, 529…). With `enableStreaming: false` a stream request is
 * served by one non-streaming call replayed as SSE. When the request asks for Claude Code's
 * auto-mode check (`safeguards`), the answer's tool calls are judged before it ends.
 */
export async function handleMessages(scope: RequestScope): Promise<Response> {
  const { settings } = scope;
  const body = await readJsonBody(
    scope.request,
    settings.maxBodyBytes,
    settings.requestLimits?.maxNestingDepth,
  );
  const request = validateMessagesRequest(body, {
    betas: readBetas(scope.request.headers),
    limits: settings.requestLimits,
  });
  scope.record.model = request.model;
  scope.record.stream = request.stream === true;
  const conversion = convertToGeminiRequest(request, {
    models: settings.models,
    schemaCompiler: settings.schemaCompiler,
    supportsServerSideToolInvocations: settings.supportsServerSideToolInvocations,
  });
  scope.record.geminiModel = conversion.context.geminiModel;
  if (conversion.warnings.length > 0) {
    settings.logger.debug("request conversion warnings", {
      requestId: scope.requestId,
      warnings: conversion.warnings,
    });
  }

  const judge = createJudge(scope, request);

  // Fallback models (`run-with-fallback.ts`) get their own conversion and context.
  if (request.stream === true && settings.enableStreaming) {
    const opened = await runWithFallback(scope, request, conversion, (parameters) =>
      openUpstreamStream(scope, parameters),
    );
    reportDropped(scope, opened.dropped);
    return nameGeminiModel(
      streamAnthropicEvents(scope, opened.value, opened.context, { judgeToolUses: judge }),
      opened.context,
      opened.dropped,
    );
  }

  const generated = await runWithFallback(scope, request, conversion, (parameters) =>
    generateWithRetries(scope, parameters),
  );
  const response = generated.value;
  reportDropped(scope, generated.dropped);
  if (request.stream === true) {
    return nameGeminiModel(
      streamAnthropicEvents(scope, createReplayedUpstream(response), generated.context, {
        judgeToolUses: judge,
      }),
      generated.context,
      generated.dropped,
    );
  }
  return nameGeminiModel(
    await createMessageResponse(scope, response, generated.context, judge, generated.dropped),
    generated.context,
  );
}

type ToolUseJudge = (toolUses: readonly ToolUseContent[]) => Promise<SafeguardResult>;

/** The auto-mode check of this request's answer, when it asks for one (`safeguards`). */
function createJudge(scope: RequestScope, request: MessagesRequest): ToolUseJudge | undefined {
  const found = findToolUseSafeguard(request);
  if (found.warnings.length > 0) {
    // A check we cannot serve is said out loud: its caller gets no result for it.
    scope.settings.logger.warn("requested checks not served", {
      requestId: scope.requestId,
      warnings: found.warnings,
    });
  }
  const safeguard = found.value;
  if (safeguard === undefined) return undefined;
  return (toolUses) => judgeToolUses(scope, { request, safeguard, toolUses });
}

/**
 * Says which Gemini model answered (`message.model` keeps the client's name, fallbacks
 * included) and, in {@link WARNINGS_HEADER}, what of the request could not be served. A
 * stream's header is sent before the answer exists, so it names what the request lost; parts
 * of a streamed answer that could not be delivered are logged when the stream ends.
 */
function nameGeminiModel(
  response: Response,
  context: ConversionContext,
  dropped: readonly DroppedFeature[] = [],
): Response {
  response.headers.set(GEMINI_MODEL_HEADER, context.geminiModel);
  const warnings = formatWarningsHeader(dropped);
  if (warnings !== undefined) response.headers.set(WARNINGS_HEADER, warnings);
  return response;
}

/** One warn-level line (seen at the default log level) for what the request asked and did not get. */
function reportDropped(scope: RequestScope, dropped: readonly DroppedFeature[]): void {
  if (dropped.length === 0) return;
  scope.settings.logger.warn("request features not served", {
    requestId: scope.requestId,
    model: scope.record.model,
    dropped: dropped.map((entry) => entry.message),
  });
}

/** The JSON answer, with its auto-mode verdicts; its warnings header names what the request and the answer lost. */
async function createMessageResponse(
  scope: RequestScope,
  response: GeminiGenerateContentResponse,
  context: ConversionContext,
  judge: ToolUseJudge | undefined,
  requestDropped: readonly DroppedFeature[],
): Promise<Response> {
  const message = convertToAnthropicMessage(response, { context, generateId: scope.settings.generateId });
  if (judge !== undefined) {
    const toolUses = message.value.content.filter((block) => block.type === "tool_use");
    message.value.safeguard_results = [await judge(toolUses)];
  }
  if (message.warnings.length > 0) {
    scope.settings.logger.debug("response conversion warnings", {
      requestId: scope.requestId,
      warnings: message.warnings,
    });
  }
  if (message.dropped.length > 0) {
    scope.settings.logger.warn("answer parts not delivered", {
      requestId: scope.requestId,
      dropped: message.dropped.map((entry) => entry.message),
    });
  }
  scope.record.inputTokens = message.value.usage.input_tokens;
  scope.record.outputTokens = message.value.usage.output_tokens;
  scope.record.thinkingTokens = response.usageMetadata?.thoughtsTokenCount;
  scope.record.cachedTokens = response.usageMetadata?.cachedContentTokenCount;
  // Encoded here, once, so the length is known: hosts can send it without chunked framing.
  const bytes = encoder.encode(JSON.stringify(message.value));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-length": String(bytes.byteLength),
    "request-id": scope.requestId,
  };
  const warnings = formatWarningsHeader([...requestDropped, ...message.dropped]);
  if (warnings !== undefined) headers[WARNINGS_HEADER] = warnings;
  return new Response(bytes, { status: 200, headers });
}

/** One non-streaming call, retried, bounded by `requestTimeoutMs` in all. */
async function generateWithRetries(
  scope: RequestScope,
  parameters: GeminiGenerateContentParameters,
): Promise<GeminiGenerateContentResponse> {
  const { settings } = scope;
  const { controller, release } = linkAbortSignal(scope.signal);
  // Built only when the timer fires: an error captures a stack trace, too dear for every request.
  let timeoutError: ClaudeGeminiError | undefined;
  const timer = setTimeout(() => {
    timeoutError = new ClaudeGeminiError({
      status: 504,
      type: "timeout_error",
      message: `Gemini did not answer within ${settings.requestTimeoutMs} ms.`,
    });
    controller.abort(timeoutError);
  }, settings.requestTimeoutMs);
  try {
    const { value } = await retryWithBackoff(
      observeUpstreamAttempt(scope, () =>
        scope.settings.upstream.generateContent(scope, {
          ...parameters,
          config: { ...parameters.config, abortSignal: controller.signal },
        }),
      ),
      {
        ...retryBudget(scope),
        signal: controller.signal,
        shouldRetryValue: isRetryableGeminiResponse,
        onRetry: (information) => noteRetry(scope, information),
      },
    );
    return value;
  } catch (error) {
    if (timeoutError !== undefined && controller.signal.reason === timeoutError) throw timeoutError;
    throw error;
  } finally {
    clearTimeout(timer);
    release();
  }
}

/**
 * Opens a Gemini stream and waits for its first chunk, retrying failures up to then. Each
 * attempt has its own abort controller, so a dropped attempt is cancelled upstream.
 */
async function openUpstreamStream(
  scope: RequestScope,
  parameters: GeminiGenerateContentParameters,
): Promise<OpenedUpstream> {
  const { settings } = scope;
  const { value } = await retryWithBackoff(
    observeUpstreamAttempt(scope, async (): Promise<OpenedUpstream> => {
      const { controller, release } = linkAbortSignal(scope.signal);
      let iterator: GeminiChunkStream | undefined;
      const close = () => {
        release();
        if (!controller.signal.aborted) controller.abort();
        // Also ends the generator itself, for clients (or test doubles) that ignore the signal.
        iterator?.return?.().catch(() => {});
      };
      const opening = (async () => {
        const chunks = await settings.upstream.generateContentStream(scope, {
          ...parameters,
          config: { ...parameters.config, abortSignal: controller.signal },
        });
        iterator = chunks;
        return { chunkIterator: iterator, first: await iterator.next() };
      })();
      try {
        const { chunkIterator, first } = await raceWithTimeout(opening, settings.idleTimeoutMs, () => {
          close();
          return new ClaudeGeminiError({
            status: 529,
            type: "overloaded_error",
            message: `Gemini sent nothing for ${settings.idleTimeoutMs} ms.`,
          });
        });
        if (first.done) {
          throw new ClaudeGeminiError({
            status: 500,
            type: "api_error",
            message: "Gemini ended the stream without sending a response.",
          });
        }
        scope.record.timeToFirstTokenMs = scope.elapsed();
        return {
          first: first.value,
          next: () => chunkIterator.next(),
          takeBuffered: () => chunkIterator.takeBuffered(),
          close,
        };
      } catch (error) {
        close();
        throw error;
      }
    }),
    {
      ...retryBudget(scope),
      signal: scope.signal,
      shouldRetryValue: (upstream) => isCompleteAndRetryable(upstream.first),
      discardValue: (upstream) => upstream.close(),
      onRetry: (information) => noteRetry(scope, information),
    },
  );
  return value;
}

/**
 * The proxy's retries for this request. A client that says it is retrying already
 * (`x-stainless-retry-count` above 0, sent by the official SDKs and so by Claude Code) gets a
 * single upstream attempt: its own retries and the proxy's must add up, not multiply (Claude
 * Code's ten tries of a persistent 429 would otherwise cost thirty Gemini calls).
 */
function retryBudget(scope: RequestScope): RequestScope["settings"]["retry"] {
  const clientRetry = Number(scope.request.headers.get("x-stainless-retry-count") ?? "0");
  if (Number.isFinite(clientRetry) && clientRetry > 0) return { ...scope.settings.retry, maxAttempts: 1 };
  return scope.settings.retry;
}

/** A finished non-streaming response served through the stream path as a single chunk. */
function createReplayedUpstream(response: GeminiGenerateContentResponse): OpenedUpstream {
  return {
    first: response,
    next: async () => ({ done: true, value: undefined }),
    close: () => {},
  };
}

/**
 * A first stream chunk that is already the whole answer (it has a finish reason) and one
 * worth asking again for, e.g. `MALFORMED_FUNCTION_CALL`. A chunk without a finish reason is
 * only the start of an answer and is never judged.
 */
function isCompleteAndRetryable(chunk: GeminiGenerateContentResponse): boolean {
  const finished =
    chunk.candidates?.[0]?.finishReason !== undefined || chunk.promptFeedback?.blockReason !== undefined;
  return finished && isRetryableGeminiResponse(chunk);
}

function noteRetry(
  scope: RequestScope,
  information: { attempt: number; delayMs: number; reason: unknown },
): void {
  scope.record.retries = information.attempt;
  scope.settings.logger.warn("retrying Gemini call", {
    requestId: scope.requestId,
    attempt: information.attempt,
    delayMs: information.delayMs,
    reason:
      information.reason instanceof Error ? describeFailure(information.reason) : "retryable finish reason",
  });
}
