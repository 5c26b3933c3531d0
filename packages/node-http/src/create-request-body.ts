import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import * as zlib from "node:zlib";

/** What {@link createRequestBody} hands back. */
export interface RequestBody {
  /** The body as a web stream that pulls from the socket on demand. */
  stream: ReadableStream<Uint8Array>;
  /** Whether the stream yields decoded bytes, so `content-encoding`/`content-length` no longer apply. */
  decoded: boolean;
  /** Stops reading the socket into the stream (the rest of the body is someone else's business). */
  detach(): void;
}

/** Why {@link createRequestBody} stopped reading a body. */
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

/**
 * Node's own streaming decoders for the encodings a client may put on a request body.
 * Anything not listed is handed to the fetch handler untouched, header included.
 */
const decoderFactories: Record<
  string,
  (() => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress) | undefined
> = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
  // zstd decoding arrived in Node 22.15; older runtimes pass the body on still encoded.
  ...(typeof zlib.createZstdDecompress === "function"
    ? { zstd: () => zlib.createZstdDecompress() as unknown as zlib.Gunzip }
    : {}),
};

/** The web stream keeps about this much decoded data queued before it stops reading the socket. */
const QUEUE_BYTES = 64 * 1024;

/**
 * Wraps a Node request in a pull-based `ReadableStream`, decoding a compressed body on the
 * way and enforcing the size limit on the decoded bytes, so a small gzip bomb is stopped
 * after `maxBodyBytes`, never inflated in full. Nothing is buffered beyond the stream queue.
 * `admit` lets the caller refuse a body mid-way, e.g. when the server's budget of body bytes
 * in flight runs out.
 */
export function createRequestBody(incoming: IncomingMessage, options: RequestBodyOptions): RequestBody {
  const encoding = String(incoming.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  const createDecoder = decoderFactories[encoding];
  const decoder = createDecoder?.();
  let source: Readable = incoming;
  if (decoder) {
    incoming.on("error", (error) => decoder.destroy(error));
    incoming.pipe(decoder);
    source = decoder;
  }

  let received = 0;
  let settled = false;
  const detach = () => {
    settled = true;
    source.off("data", onData);
    source.off("end", onEnd);
    source.off("error", onError);
    if (decoder) {
      // Stop inflating; Node drains whatever is left of the raw body once the response ends.
      incoming.unpipe(decoder);
      decoder.destroy();
    }
  };

  let controllerReference: ReadableStreamDefaultController<Uint8Array> | undefined;
  const onData = (chunk: Buffer) => {
    const controller = controllerReference;
    if (settled || !controller) return;
    received += chunk.byteLength;
    const refusal: BodyRefusal | undefined =
      received > options.maxBodyBytes
        ? "too-large"
        : options.admit !== undefined && !options.admit(received)
          ? "busy"
          : undefined;
    if (refusal !== undefined) {
      detach();
      options.onRefused(refusal);
      controller.error(options.refusalError(refusal));
      return;
    }
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) source.pause();
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
        source.on("data", onData);
        source.on("end", onEnd);
        source.on("error", onError);
        source.pause();
      },
      pull() {
        if (!settled) source.resume();
      },
      cancel() {
        // The handler has what it needs (or gave up): stop reading, keep the socket for the answer.
        detach();
      },
    },
    { highWaterMark: QUEUE_BYTES, size: (chunk) => chunk.byteLength },
  );

  return { stream, decoded: decoder !== undefined, detach };
}
