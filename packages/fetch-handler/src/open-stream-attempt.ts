import type { GeminiGenerateContentParameters } from "@claude-gemini/core";
import { ClaudeGeminiError } from "@claude-gemini/core";
import type { UpstreamCallScope } from "./create-upstream-pool.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import { raceWithTimeout } from "./race-with-timeout.js";
import type { GeminiChunkStream } from "./read-gemini-event-stream.js";
import type { RequestScope } from "./request-scope.js";
import type { OpenedUpstream } from "./stream-anthropic-events.js";

/**
 * The reason an attempt's own signal aborts with when it is closed: the `AbortError` that
 * `abort()` would make, built once (a new one with its stack on every stream end showed in the
 * streaming profile; the reason is read only as an `AbortError`, never for its stack).
 */
const STREAM_CLOSED = new DOMException("The upstream stream was closed.", "AbortError");

/**
 * One attempt at opening a Gemini stream: opens it and waits for its first chunk, at most
 * `idleTimeoutMs` (then 529 `overloaded_error`, so clients back off). The attempt has its own
 * abort controller, so an attempt that is dropped (failed, or retried for its first chunk) is
 * cancelled upstream. A stream that ends before any chunk is a 500.
 */
export async function openStreamAttempt(
  scope: RequestScope,
  upstreamScope: UpstreamCallScope,
  parameters: GeminiGenerateContentParameters,
): Promise<OpenedUpstream> {
  const { settings } = scope;
  const { controller, release } = linkAbortSignal(scope.signal);
  let iterator: GeminiChunkStream | undefined;
  const close = () => {
    release();
    if (!controller.signal.aborted) controller.abort(STREAM_CLOSED);
    // Also ends the generator itself, for clients (or test doubles) that ignore the signal.
    iterator?.return?.().catch(() => {});
  };
  const opening = (async () => {
    const chunks = await settings.upstream.generateContentStream(upstreamScope, {
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
    return {
      first: first.value,
      timeToFirstTokenMs: scope.elapsed(),
      next: () => chunkIterator.next(),
      takeBuffered: () => chunkIterator.takeBuffered(),
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
