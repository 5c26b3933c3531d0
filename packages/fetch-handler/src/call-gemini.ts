import type {
  CapabilityCorrection,
  ConversionContext,
  DroppedFeature,
  GeminiGenerateContentParameters,
  GeminiGenerateContentResponse,
  MessagesRequest,
} from "@claude-gemini/core";
import { ClaudeGeminiError, convertToGeminiRequest } from "@claude-gemini/core";
import { decideCorrection } from "./correction-policy.js";
import { describeFailure } from "./describe-failure.js";
import { decideFallback, readFallbackChain } from "./fallback-policy.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import { observeUpstreamAttempt } from "./observe-upstream-attempt.js";
import { openStreamAttempt } from "./open-stream-attempt.js";
import { readUpstreamFailure, type UpstreamFailure } from "./read-upstream-failure.js";
import type { RequestScope } from "./request-scope.js";
import { decideRetryForAnswer, readRetryBudget } from "./retry-policy.js";
import { retryWithBackoff } from "./retry-with-backoff.js";
import type { OpenedUpstream } from "./stream-anthropic-events.js";

/** A request converted for one Gemini model. */
export interface ConvertedCall {
  value: GeminiGenerateContentParameters;
  context: ConversionContext;
  dropped: DroppedFeature[];
}

/** What a served call returns: the answer, and the conversion that produced it (fallback or correction included). */
export interface ServedCall<T> {
  value: T;
  /** The response side reads this one: the model used, its thinking display, its tool names. */
  context: ConversionContext;
  /** What the conversion actually sent could not serve: another model may drop other things. */
  dropped: DroppedFeature[];
}

/**
 * The upstream pipeline of `POST /v1/messages`, for a JSON answer: {@link runPipeline} around
 * one `generateContent`, retried, bounded by `requestTimeoutMs` per model.
 */
export function generateMessage(
  scope: RequestScope,
  request: MessagesRequest,
  conversion: ConvertedCall,
): Promise<ServedCall<GeminiGenerateContentResponse>> {
  return runPipeline(scope, request, conversion, (parameters) => generateWithRetries(scope, parameters));
}

/**
 * The same pipeline for a stream, up to its first chunk: every failure before that is still
 * retried, corrected or handed to a fallback model, so a client never sees two models in one
 * answer, and an answer with a status it understands (429, 529…) instead of a broken stream.
 */
export function openMessageStream(
  scope: RequestScope,
  request: MessagesRequest,
  conversion: ConvertedCall,
): Promise<ServedCall<OpenedUpstream>> {
  return runPipeline(scope, request, conversion, (parameters) => openStreamWithRetries(scope, parameters));
}

/**
 * The one place where the policies over a failed call are composed, inner to outer:
 *
 * 1. **key** — the upstream pool hands a call that met a 429 or a dead key to the next key at
 *    once (`decideKeyRotation`, `key-rotation-policy.ts`; applied inside `create-upstream-pool.ts`,
 *    which also resends a call whose context cache is gone, uncached).
 * 2. **retry** — `retryWithBackoff` tries the call again with backoff while the rules of
 *    `retry-policy.ts` say so (`decideRetry`, `decideRetryForAnswer`), within the request's
 *    budget (`readRetryBudget`: one attempt when the client retries itself).
 * 3. **correction** — when Gemini refused a setting the proxy chose for the model
 *    (`decideCorrection`, `correction-policy.ts`), the request is converted again with the
 *    corrected capability and sent once more (with its own retries). At most once per request;
 *    the lesson is kept for the process only when that call succeeds, and when it fails too the
 *    client gets the original error: the correction was ours, the refusal is what it needs.
 * 4. **fallback** — when the model failed for good in a way another model may not
 *    (`decideFallback`, `fallback-policy.ts`), the request is converted for the next model of
 *    the chain (`targetModel`: its capabilities, and no signatures another model issued), and
 *    `message.model` keeps the name the client asked for. The model used is written to the
 *    completion record (`geminiModel`) and logged when it is a fallback.
 */
async function runPipeline<T>(
  scope: RequestScope,
  request: MessagesRequest,
  conversion: ConvertedCall,
  send: (parameters: GeminiGenerateContentParameters) => Promise<T>,
): Promise<ServedCall<T>> {
  const { settings } = scope;
  const chain = readFallbackChain(settings.fallbackModels, conversion.context.geminiModel);
  const correction = { spent: false };
  let current = conversion;
  let target: string | undefined;
  for (let index = 0; ; index++) {
    scope.emit({ type: "modelSelected", geminiModel: current.context.geminiModel });
    try {
      const served = await sendWithCorrection(scope, request, { current, target, correction }, send);
      const created = scope.record.cacheCreationTokens;
      const { context, dropped } = served.sent;
      return {
        value: served.value,
        context: created === undefined ? context : { ...context, cacheCreationInputTokens: created },
        dropped,
      };
    } catch (error) {
      const next = chain[index];
      const failure = readUpstreamFailure(error);
      if (next === undefined || scope.signal.aborted || !decideFallback(failure)) throw error;
      settings.logger.warn("Gemini model unavailable; falling back", {
        requestId: scope.requestId,
        geminiModel: current.context.geminiModel,
        fallbackModel: next,
        status: describeStatus(failure),
      });
      target = next;
      current = convertFor(scope, request, target);
    }
  }
}

/** Layer 3: sends `current`, and once per request, a corrected conversion after a refused setting. */
async function sendWithCorrection<T>(
  scope: RequestScope,
  request: MessagesRequest,
  state: { current: ConvertedCall; target: string | undefined; correction: { spent: boolean } },
  send: (parameters: GeminiGenerateContentParameters) => Promise<T>,
): Promise<{ value: T; sent: ConvertedCall }> {
  const { current } = state;
  try {
    return { value: await send(current.value), sent: current };
  } catch (error) {
    if (state.correction.spent || scope.signal.aborted) throw error;
    const lesson = decideCorrection(readUpstreamFailure(error), {
      capabilities: current.context.capabilities,
      config: current.value.config,
    });
    if (lesson === undefined) throw error;
    state.correction.spent = true;
    const model = current.context.geminiModel;
    const corrected = convertFor(scope, request, state.target, { model, lesson });
    scope.settings.logger.info("Gemini refused a setting for this model; retrying once corrected", {
      requestId: scope.requestId,
      geminiModel: model,
      lesson: lesson.lesson,
    });
    let value: T;
    try {
      value = await send(corrected.value);
    } catch {
      throw error;
    }
    scope.settings.knowledge.remember(model, lesson);
    return { value, sent: corrected };
  }
}

/**
 * Converts the request for `target` (a fallback model; `undefined`: the model the client's name
 * maps to), with a capability `correction` of one model applied when given.
 */
function convertFor(
  scope: RequestScope,
  request: MessagesRequest,
  target: string | undefined,
  correction?: { model: string; lesson: CapabilityCorrection },
): ConvertedCall {
  const { settings } = scope;
  const learned = settings.models.learned;
  const models =
    correction === undefined
      ? settings.models
      : {
          ...settings.models,
          learned: (name: string) =>
            name === correction.model
              ? { ...learned?.(name), ...correction.lesson.capabilities }
              : learned?.(name),
        };
  const { value, context, dropped } = convertToGeminiRequest(request, {
    models,
    schemaCompiler: settings.schemaCompiler,
    supportsServerSideToolInvocations: settings.supportsServerSideToolInvocations,
    targetModel: target,
  });
  return { value, context, dropped };
}

/** Layer 2 for a JSON answer: one `generateContent`, retried, bounded by `requestTimeoutMs` in all. */
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
      observeUpstreamAttempt(
        scope,
        { geminiModel: parameters.model, stream: scope.record.stream },
        (_attempt, upstreamScope) =>
          settings.upstream.generateContent(upstreamScope, {
            ...parameters,
            config: { ...parameters.config, abortSignal: controller.signal },
          }),
      ),
      {
        ...readRetryBudget(scope.request.headers, settings.retry),
        signal: controller.signal,
        shouldRetryValue: (response) => decideRetryForAnswer(response, "whole"),
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

/** Layer 2 for a stream: opening attempts (`open-stream-attempt.ts`), retried up to the first chunk. */
async function openStreamWithRetries(
  scope: RequestScope,
  parameters: GeminiGenerateContentParameters,
): Promise<OpenedUpstream> {
  const { value } = await retryWithBackoff(
    observeUpstreamAttempt(
      scope,
      { geminiModel: parameters.model, stream: true },
      (_attempt, upstreamScope) => openStreamAttempt(scope, upstreamScope, parameters),
    ),
    {
      ...readRetryBudget(scope.request.headers, scope.settings.retry),
      signal: scope.signal,
      shouldRetryValue: (upstream) => decideRetryForAnswer(upstream.first, "first-chunk"),
      discardValue: (upstream) => upstream.close(),
      onRetry: (information) => noteRetry(scope, information),
    },
  );
  return value;
}

function noteRetry(
  scope: RequestScope,
  information: { attempt: number; delayMs: number; reason: unknown },
): void {
  scope.settings.logger.warn("retrying Gemini call", {
    requestId: scope.requestId,
    attempt: information.attempt,
    delayMs: information.delayMs,
    reason:
      information.reason instanceof Error ? describeFailure(information.reason) : "retryable finish reason",
  });
}

/** Gemini's status name or HTTP code, the proxy's status, or the kind of failure: for the log line. */
function describeStatus(failure: UpstreamFailure): string | number {
  if (failure.source === "gemini") return failure.gemini.status ?? failure.gemini.httpStatus ?? "gemini";
  if (failure.source === "proxy") return failure.status;
  if (failure.source === "http") return failure.httpStatus;
  return failure.source === "no-answer" ? failure.cause : failure.source;
}
