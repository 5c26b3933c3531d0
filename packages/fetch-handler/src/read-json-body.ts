import { ClaudeGeminiError, checkJsonNesting, InvalidRequestError } from "@claude-gemini/core";
import { decodeContentEncoding, isDecodableEncoding } from "./decode-content-encoding.js";
import type { HandlerRequest } from "./handler-core.js";

/**
 * The default largest request body, counted after decoding: twice the largest request of a long
 * Claude Code session we measured (11.7 MB: 125 messages, 40 source files read, 20 screenshots as
 * Claude Code sends them); see docs/configuration.md. The Node bridge uses the same number.
 */
export const DEFAULT_MAX_BODY_BYTES = 24 * 1024 * 1024;

const decoder = new TextDecoder();

/**
 * Reads a request body as JSON, never holding more than `maxBodyBytes` of it: bytes are
 * counted as they arrive (after gzip/deflate decoding, so a small bomb cannot expand past the
 * limit) and reading stops at the first byte too many (413 `request_too_large`). Nesting
 * deeper than `maxNestingDepth` is refused by a scan of the text before `JSON.parse` runs (a
 * 400 naming the path), since parsing a deep `[[[…]]]` holds the event loop for seconds. A
 * body that is not JSON is a 400 `invalid_request_error`.
 */
export async function readJsonBody(
  request: Pick<HandlerRequest, "headers" | "body">,
  maxBodyBytes: number,
  maxNestingDepth?: number,
): Promise<unknown> {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase() || "identity";
  if (!isDecodableEncoding(encoding)) {
    throw new InvalidRequestError(
      `Unsupported content-encoding "${encoding}"; send identity, gzip or deflate.`,
    );
  }
  const declaredLength = Number(request.headers.get("content-length"));
  if (encoding === "identity" && Number.isFinite(declaredLength) && declaredLength > maxBodyBytes) {
    throw createTooLargeError(maxBodyBytes);
  }
  const body = request.body;
  if (body === null) throw new InvalidRequestError("Request body is not valid JSON");

  // A runtime that already decoded the body keeps the header only when it did not, so the
  // header is trusted: decoding twice would fail loudly rather than corrupt silently.
  const text =
    encoding === "identity"
      ? await readLimited(body, maxBodyBytes)
      : await readLimited(decodeContentEncoding(toReadableStream(body), encoding), maxBodyBytes);
  checkJsonNesting(text, maxNestingDepth);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError("Request body is not valid JSON", { cause: error });
  }
}

async function readLimited(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  maxBodyBytes: number,
): Promise<string> {
  // A body of one chunk (most) is decoded at the end by the decoder every request shares: a
  // decoder per request showed in the profile of small requests. From a second chunk on, a
  // decoder of its own decodes as the bytes come, so no copy of a large body is held.
  let first: Uint8Array | undefined;
  let streaming: TextDecoder | undefined;
  let text = "";
  const take = (chunk: Uint8Array) => {
    if (streaming !== undefined) text += streaming.decode(chunk, { stream: true });
    else if (first === undefined) first = chunk;
    else {
      streaming = new TextDecoder();
      text = streaming.decode(first, { stream: true }) + streaming.decode(chunk, { stream: true });
      first = undefined;
    }
  };
  let received = 0;
  try {
    if (isReadableStream(body)) {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > maxBodyBytes) {
          await reader.cancel().catch(() => {});
          throw createTooLargeError(maxBodyBytes);
        }
        take(value);
      }
    } else {
      // Leaving the loop early (the limit) returns the iterator, which stops its source.
      for await (const value of body) {
        received += value.byteLength;
        if (received > maxBodyBytes) throw createTooLargeError(maxBodyBytes);
        take(value);
      }
    }
  } catch (error) {
    if (ClaudeGeminiError.isInstance(error)) throw error;
    // A broken gzip stream or a body that broke off: the client sent something unreadable.
    throw new InvalidRequestError("Request body is not valid JSON", { cause: error });
  }
  if (streaming !== undefined) return text + streaming.decode();
  return first === undefined ? "" : decoder.decode(first);
}

function createTooLargeError(maxBodyBytes: number): ClaudeGeminiError {
  return new ClaudeGeminiError({
    status: 413,
    type: "request_too_large",
    message: `Request body exceeds the limit of ${maxBodyBytes} bytes.`,
  });
}

/** A body of chunks as a stream, for the decoders, which read streams. */
function toReadableStream(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): ReadableStream<Uint8Array> {
  if (isReadableStream(body)) return body;
  const iterator = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function isReadableStream(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream<Uint8Array>).getReader === "function";
}
