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
import { linkAbortSignal } from "./link-abort-signal.js";
import { raceWithTimeout } from "./race-with-timeout.js";
import { readBetas } from "./read-betas.js";
import { readJsonBody } from "./read-json-body.js";
import type { RequestScope } from "./request-scope.js";
import { retryWithBackoff } from "./retry-with-backoff.js";
import { type OpenedUpstream, streamAnthropicEvents } from "./stream-anthropic-events.js";

/**
 * `POST /v1/messages`: validates and converts the request, calls Gemini with retries, and
 * answers with a message (JSON) or an SSE stream. A stream is held back until its first
 * upstream chunk, so a failure before that is still retried or answered with a JSON status
 * the client understands (429, 529…). With `enableStreaming: false` a stream request is
 * served by one non-streaming call replayed as SSE.
 */
export async function handleMessages(scope: RequestScope): Promise<Response> {
  const { settings } = scope;
  const body = await readJsonBody(scope.request, settings.maxBodyBytes);
  const request = validateMessagesRequest(body, { betas: readBetas(scope.request.headers) });
  scope.record.model = request.model;
  scope.record.stream = request.stream === true;
  const conversion = convertToGeminiRequest(request, { models: settings.models });
  scope.record.geminiModel = conversion.context.geminiModel;
  if (conversion.warnings.length > 0) {
    settings.logger.debug("request conversion warnings", {
      requestId: scope.requestId,
      warnings: conversion.warnings,
    });
  }

  if (request.stream === true && settings.enableStreaming) {
    const upstream = await openUpstreamStream(scope, conversion.value);
    return streamAnthropicEvents(scope, upstream, conversion.context);
  }

  const response = await generateWithRetries(scope, conversion.value);
  if (request.stream === true) {
    return streamAnthropicEvents(scope, createReplayedUpstream(response), conversion.context);
  }
  return createMessageResponse(scope, response, conversion.context);
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
  return new Response(JSON.stringify(message.value), {
    status: 200,
    headers: { "content-type": "application/json", "request-id": scope.requestId },
  });
}

/** One non-streaming call, retried, bounded by `requestTimeoutMs` in all. */
async function generateWithRetries(
  scope: RequestScope,
  parameters: GeminiGenerateContentParameters,
): Promise<GeminiGenerateContentResponse> {
  const { settings } = scope;
  const { controller, release } = linkAbortSignal(scope.signal);
  const timeoutError = new ClaudeGeminiError({
    status: 504,
    type: "timeout_error",
    message: `Gemini did not answer within ${settings.requestTimeoutMs} ms.`,
  });
  const timer = setTimeout(() => controller.abort(timeoutError), settings.requestTimeoutMs);
  try {
    const { value } = await retryWithBackoff(
      () =>
        scope.settings.client.models.generateContent({
          ...parameters,
          config: { ...parameters.config, abortSignal: controller.signal },
        }),
      {
        ...settings.retry,
        signal: controller.signal,
        shouldRetryValue: isRetryableGeminiResponse,
        onRetry: (information) => noteRetry(scope, information),
      },
    );
    return value;
  } catch (error) {
    if (controller.signal.reason === timeoutError) throw timeoutError;
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
    async (): Promise<OpenedUpstream> => {
      const { controller, release } = linkAbortSignal(scope.signal);
      let iterator: AsyncIterator<GeminiGenerateContentResponse> | undefined;
      const close = () => {
        release();
        if (!controller.signal.aborted) controller.abort();
        // Also ends the generator itself, for clients (or test doubles) that ignore the signal.
        iterator?.return?.().catch(() => {});
      };
      const opening = (async () => {
        const chunks = await settings.client.models.generateContentStream({
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
    },
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
    reason: information.reason instanceof Error ? information.reason.message : "retryable finish reason",
  });
}
