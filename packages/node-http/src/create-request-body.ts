import type { IncomingMessage } from "node:http";
import { decodeContentEncoding, isDecodableEncoding } from "@claude-gemini/fetch-handler";

/** What {@link createRequestBody} hands back. */
export interface RequestBody {
  /** The body as a web stream that pulls from the socket on demand. */
  stream: ReadableStream<Uint8Array>;
  /** Whether the stream yields decoded bytes, so `content-encoding`/`content-length` no longer apply. */
  decoded: boolean;
  /** Stops reading the socket into the stream (the rest of the body is someone else's business). */
  detach(): void;
}

/** Why a body stopped being read ({@link createRequestBody}, `readBodyChunks`). */
export type BodyRefusal = "too-large" | "busy";

export interface RequestBodyOptions {
  /** Largest body accepted, counted after decompression. */
  maxBodyBytes: number;
  /**
   * Called with the bytes received so far (decoded) before each chunk is passed on; false
   * refuses the body as `busy` (the server holds too many body bytes already).
   */
  admit?: (receivedBytes: number) => boolean;
  /** Called once when the body is refused; the stream then errors with `refusalError(reason)`. */
  onRefused: (reason: BodyRefusal) => void;
  /** The error the stream fails with when the body is refused. */
  refusalError: (reason: BodyRefusal) => unknown;
}

/** The raw stream keeps about this much data queued before it stops reading the socket. */
const QUEUE_BYTES = 64 * 1024;

/**
 * Wraps a Node request in a pull-based `ReadableStream`, decoding a compressed body on the
 * way with fetch-handler's `decodeContentEncoding` (gzip, deflate) and enforcing the size limit
 * on the decoded bytes, so a small gzip bomb is stopped after `maxBodyBytes`, never inflated in
 * full. Nothing is buffered beyond the stream queues. `admit` lets the caller refuse a body
 * mid-way, e.g. when the server's budget of body bytes in flight runs out. An encoding the
 * handler cannot decode either is passed on untouched, header included, for it to refuse.
 */
export function createRequestBody(incoming: IncomingMessage, options: RequestBodyOptions): RequestBody {
  const encoding = incoming.headers["content-encoding"];
  const decodes = encoding !== undefined && isDecodableEncoding(encoding);
  // Bytes as sent (no encoding, or one the handler refuses): one stream, checked as they arrive.
  if (!decodes) return { ...readSocket(incoming, options), decoded: false };
  const raw = readSocket(incoming);
  const source = decodeContentEncoding(raw.stream, encoding);
  const reader = source.getReader();

  let received = 0;
  let settled = false;
  const detach = () => {
    if (settled) return;
    settled = true;
    raw.detach();
    reader.cancel().catch(() => {});
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (!settled) controller.error(error);
        detach();
        return;
      }
      if (settled) return;
      if (result.done) {
        settled = true;
        controller.close();
        return;
      }
      received += result.value.byteLength;
      const refusal = judgeReceived(received, options);
      if (refusal !== undefined) {
        detach();
        options.onRefused(refusal);
        controller.error(options.refusalError(refusal));
        return;
      }
      controller.enqueue(result.value);
    },
    cancel() {
      // The handler has what it needs (or gave up): stop reading, keep the socket for the answer.
      detach();
    },
  });

  return { stream, decoded: decodes, detach };
}

/** Why the body stops being read once `received` bytes (decoded) have come, if it does. */
export function judgeReceived(received: number, options: RequestBodyOptions): BodyRefusal | undefined {
  if (received > options.maxBodyBytes) return "too-large";
  if (options.admit !== undefined && !options.admit(received)) return "busy";
  return undefined;
}

/**
 * The request's bytes as they come off the socket, pulled on demand, with a way to stop
 * listening. With `limits`, each chunk is judged before it is passed on (as the decoding
 * stream of `createRequestBody` does), so a body sent as is needs no second stream.
 */
function readSocket(
  incoming: IncomingMessage,
  limits?: RequestBodyOptions,
): { stream: ReadableStream<Uint8Array>; detach(): void } {
  let settled = false;
  let received = 0;
  let controllerReference: ReadableStreamDefaultController<Uint8Array> | undefined;
  const detach = () => {
    settled = true;
    incoming.off("data", onData);
    incoming.off("end", onEnd);
    incoming.off("error", onError);
  };
  const onData = (chunk: Buffer) => {
    const controller = controllerReference;
    if (settled || !controller) return;
    if (limits !== undefined) {
      received += chunk.byteLength;
      const refusal = judgeReceived(received, limits);
      if (refusal !== undefined) {
        detach();
        limits.onRefused(refusal);
        controller.error(limits.refusalError(refusal));
        return;
      }
    }
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
  };
  const onEnd = () => {
    if (settled) return;
    detach();
    controllerReference?.close();
  };
  const onError = (error: unknown) => {
    if (settled) return;
    detach();
    controllerReference?.error(error);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerReference = controller;
        incoming.on("data", onData);
        incoming.on("end", onEnd);
        incoming.on("error", onError);
        incoming.pause();
      },
      pull() {
        if (!settled) incoming.resume();
      },
      cancel() {
        detach();
      },
    },
    { highWaterMark: QUEUE_BYTES, size: (chunk) => chunk.byteLength },
  );
  return { stream, detach };
}
