import type {
  ConversionContext,
  GeminiGenerateContentParameters,
  GeminiGenerateContentResponse,
} from "@claude-gemini/core";
import {
  ClaudeGeminiError,
  convertToAnthropicMessage,
  convertToGeminiRequest,
  isRetryableGeminiResponse,
  validateMessagesRequest,
} from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import { observeUpstreamAttempt } from "./observe-upstream-attempt.js";
import { raceWithTimeout } from "./race-with-timeout.js";
import { readBetas } from "./read-betas.js";
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
 * served by one non-streaming call replayed as SSE.
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
  });
  scope.record.geminiModel = conversion.context.geminiModel;
  if (conversion.warnings.length > 0) {
    settings.logger.debug("request conversion warnings", {
      requestId: scope.requestId,
      warnings: conversion.warnings,
    });
  }

  // Fallback models (`run-with-fallback.ts`) get their own conversion and context.
  if (request.stream === true && settings.enableStreaming) {
    const opened = await runWithFallback(scope, request, conversion, (parameters) =>
      openUpstreamStream(scope, parameters),
    );
    return nameGeminiModel(streamAnthropicEvents(scope, opened.value, opened.context), opened.context);
  }

  const generated = await runWithFallback(scope, request, conversion, (parameters) =>
    generateWithRetries(scope, parameters),
  );
  const response = generated.value;
  if (request.stream === true) {
    return nameGeminiModel(
      streamAnthropicEvents(scope, createReplayedUpstream(response), generated.context),
      generated.context,
    );
  }
  return nameGeminiModel(createMessageResponse(scope, response, generated.context), generated.context);
}

/** Says which Gemini model answered: `message.model` keeps the client's name, fallbacks included. */
function nameGeminiModel(response: Response, context: ConversionContext): Response {
  response.headers.set(GEMINI_MODEL_HEADER, context.geminiModel);
  return response;
}

function createMessageResponse(
  scope: RequestScope,
  response: GeminiGenerateContentResponse,
  context: ConversionContext,
): Response {
  const message = convertToAnthropicMessage(response, { context, generateId: scope.settings.generateId });
  if (message.warnings.length > 0) {
    scope.settings.logger.debug("response conversion warnings", {
      requestId: scope.requestId,
      warnings: message.warnings,
    });
  }
  scope.record.inputTokens = message.value.usage.input_tokens;
  scope.record.outputTokens = message.value.usage.output_tokens;
  scope.record.thinkingTokens = response.usageMetadata?.thoughtsTokenCount;
  scope.record.cachedTokens = response.usageMetadata?.cachedContentTokenCount;
  // Encoded here, once, so the length is known: hosts can send it without chunked framing.
  const bytes = encoder.encode(JSON.stringify(message.value));
  return new Response(bytes, {
    status: 200,
    headers: {
      "content-type": "application/json",
      "content-length": String(bytes.byteLength),
      "request-id": scope.requestId,
    },
  });
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
        ...settings.retry,
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
      let iterator: AsyncIterator<GeminiGenerateContentResponse> | undefined;
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
        iterator = chunks[Symbol.asyncIterator]();
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
        return { first: first.value, next: () => chunkIterator.next(), close };
      } catch (error) {
        close();
        throw error;
      }
    }),
    {
      ...settings.retry,
      signal: scope.signal,
      shouldRetryValue: (upstream) => isCompleteAndRetryable(upstream.first),
      discardValue: (upstream) => upstream.close(),
      onRetry: (information) => noteRetry(scope, information),
    },
  );
  return value;
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
