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
  const reader = createEventReader();
  const chunks = readEvents(body, reader) as GeminiChunkStream;
  chunks.takeBuffered = () => {
    const data = reader.take();
    return data === undefined ? undefined : parseChunk(data);
  };
  return chunks;
}

/**
 * The SSE parser and what it has not handed on yet. A read is parsed up to the end of its
 * first event; the rest stays bytes until a chunk is asked for. Chunks that wait (past the 256
 * a burst sends at once, or while a slow client holds the stream back) wait as the bytes they
 * came in, not as decoded text plus a string per event for every young-generation collection to
 * copy: 9% fewer scavenges per stream, measured in one process at 16 streams at once.
 */
interface EventReader {
  /**
   * Parses `bytes` up to the end of their first event, keeping the rest unparsed. Like
   * `feedEnd`, called only when no bytes are held: the body is read again only then.
   */
  feedFirstEvent(bytes: Uint8Array): void;
  /**
   * Parses the decoder's last bytes at the body's end; throws when the body stopped in the
   * middle of an event (a last event without its blank line was cut off).
   */
  feedEnd(): void;
  /** Whether bytes are held unparsed. */
  readonly holding: boolean;
  /** The next event's data: parsed before, else parsed from the held bytes; `undefined` when none. */
  take(): string | undefined;
}

function createEventReader(): EventReader {
  const decoder = new TextDecoder();
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  let held: Uint8Array | undefined;
  const feed = (bytes: Uint8Array) => parser.feed(decoder.decode(bytes, { stream: true }));
  return {
    feedFirstEvent(bytes) {
      const end = endOfFirstEvent(bytes);
      if (end === bytes.length) {
        feed(bytes);
        return;
      }
      feed(bytes.subarray(0, end));
      held = bytes.subarray(end);
    },
    feedEnd() {
      parser.feed(decoder.decode());
      const complete = pending.length;
      parser.feed("\n\n");
      if (pending.length > complete) throw new Error("Gemini's stream ended in the middle of an event.");
    },
    get holding() {
      return held !== undefined;
    },
    take() {
      if (pending.length === 0 && held !== undefined) {
        const bytes = held;
        held = undefined;
        feed(bytes);
      }
      return pending.shift();
    },
  };
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Where the first blank line of `bytes` ends (LF LF, or CR LF CR LF and the like); the length
 * when there is none the cheap scan finds. Any cut is correct (the parser and the decoder take
 * text split anywhere); this one only decides how much is parsed now.
 */
function endOfFirstEvent(bytes: Uint8Array): number {
  for (let index = bytes.indexOf(LF); index >= 0; index = bytes.indexOf(LF, index + 1)) {
    const next = bytes[index + 1];
    if (next === LF) return index + 2;
    if (next === CR && bytes[index + 2] === LF) return index + 3;
  }
  return bytes.length;
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
  reader: EventReader,
): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
  let finished = false;
  try {
    for (;;) {
      let done = false;
      if (!reader.holding) {
        const value = await body.read();
        done = value === undefined;
        if (value === undefined) reader.feedEnd();
        else reader.feedFirstEvent(value);
      }
      // Events parsed from this read, one by one; `takeBuffered` may take some of them first.
      for (let data = reader.take(); data !== undefined; data = reader.take()) {
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
