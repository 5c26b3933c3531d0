import type { GeminiGenerateContentResponse } from "@claude-gemini/core";
import { ApiError } from "@google/genai";
import { createParser } from "eventsource-parser";
import { readGeminiResponse } from "./read-gemini-response.js";
import type { UpstreamReply } from "./upstream-transport.js";

/**
 * Reads the body of a `streamGenerateContent?alt=sse` answer: one `GenerateContentResponse`
 * per SSE event, parsed from its `data`, yielded as a plain object (the SDK's type, none of its
 * getters; `readGeminiResponse` keeps the response's own fields, as the SDK does). Lines may be split across reads anywhere, end in LF, CRLF or CR; comments and
 * events without data are skipped (`eventsource-parser`).
 *
 * Failures read as `@google/genai` reports them, so every reader of a Gemini failure sees the
 * same thing: an event whose data is `{ error: { code: 400–599, … } }` throws an `ApiError`
 * with that status and the chunk's JSON in its message (`got status: …. {…}`); data that is
 * not JSON throws `JSON.parse`'s `SyntaxError`, and a stream that ends in the middle of an
 * event an `Error`. The reply's body is cancelled when the reader stops early (`return()`, a
 * thrown error, an abort).
 */
export function readGeminiEventStream(body: Pick<UpstreamReply, "read" | "cancel">): GeminiChunkStream {
  const pending: string[] = [];
  const chunks = readEvents(body, pending) as GeminiChunkStream;
  chunks.takeBuffered = () => {
    const data = pending.shift();
    return data === undefined ? undefined : parseChunk(data);
  };
  return chunks;
}

/**
 * The chunks of a Gemini stream, plus `takeBuffered`: the next chunk when it has already
 * arrived (parsed from the same read as the one `next()` just gave), without waiting, else
 * `undefined`. A burst of chunks is then translated and written as one piece of work instead of
 * one round of promises each. It throws what `next()` would throw for that chunk.
 */
export type GeminiChunkStream = AsyncGenerator<GeminiGenerateContentResponse, void, undefined> & {
  takeBuffered(): GeminiGenerateContentResponse | undefined;
};

async function* readEvents(
  body: Pick<UpstreamReply, "read" | "cancel">,
  pending: string[],
): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  let finished = false;
  try {
    for (;;) {
      const value = await body.read();
      const done = value === undefined;
      if (done) {
        parser.feed(decoder.decode());
        // A last event without its blank line was cut off: the stream ended mid-event.
        const complete = pending.length;
        parser.feed("\n\n");
        if (pending.length > complete) {
          throw new Error("Gemini's stream ended in the middle of an event.");
        }
      } else {
        parser.feed(decoder.decode(value, { stream: true }));
      }
      // Events parsed from this read, one by one; `takeBuffered` may take some of them first.
      for (let data = pending.shift(); data !== undefined; data = pending.shift()) {
        yield parseChunk(data);
      }
      if (done) break;
    }
    finished = true;
  } finally {
    if (!finished) body.cancel();
  }
}

function parseChunk(data: string): GeminiGenerateContentResponse {
  // A chunk that is not JSON fails with the parser's own SyntaxError, as from the SDK: failure
  // descriptions never quote such text (`describe-failure.ts`), which may hold a credential.
  const chunk: unknown = JSON.parse(data);
  if (typeof chunk === "object" && chunk !== null && "error" in chunk) {
    const error = (chunk as { error: unknown }).error;
    if (typeof error === "object" && error !== null) {
      const { code, status } = error as { code?: unknown; status?: unknown };
      if (typeof code === "number" && code >= 400 && code < 600) {
        throw new ApiError({ message: `got status: ${String(status)}. ${data}`, status: code });
      }
    }
  }
  return readGeminiResponse(chunk);
}
