import type { IncomingMessage } from "node:http";
import { judgeReceived, type RequestBodyOptions } from "./create-request-body.js";

/** What {@link readBodyChunks} hands back. */
export interface BodyChunks {
  /** The body's bytes as they come off the socket, pulled on demand; read once. */
  chunks: AsyncIterable<Uint8Array>;
  /** Stops reading the socket into the chunks (the rest of the body is someone else's business). */
  detach(): void;
}

/** Bytes kept queued before the socket is paused, as the web stream of `createRequestBody` does. */
const QUEUE_BYTES = 64 * 1024;

/**
 * A request body sent as is (no `content-encoding`), as an async iterator of the chunks Node
 * reads, without a web stream in between. Each chunk is judged before it is passed on: past
 * `maxBodyBytes`, or when `admit` says no, reading stops and the iterator fails with
 * `refusalError(reason)` (after `onRefused`). The socket is read only once the first chunk is
 * asked for, and paused while 64 KiB wait unread; leaving the iteration early stops reading.
 */
export function readBodyChunks(incoming: IncomingMessage, limits: RequestBodyOptions): BodyChunks {
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let received = 0;
  let listening = false;
  let detached = false;
  let ended = false;
  let failed = false;
  let failure: unknown;
  let waiting:
    | { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void }
    | undefined;

  const detach = () => {
    detached = true;
    if (!listening) return;
    // Paused, not left flowing into nothing: what is left of the body is discarded within bounds.
    incoming.pause();
    incoming.off("data", onData);
    incoming.off("end", onEnd);
    incoming.off("error", onError);
  };
  const fail = (error: unknown) => {
    detach();
    queue.length = 0;
    queuedBytes = 0;
    failed = true;
    failure = error;
    const waiter = waiting;
    waiting = undefined;
    waiter?.reject(error);
  };
  const onData = (chunk: Buffer) => {
    if (detached) return;
    received += chunk.byteLength;
    const refusal = judgeReceived(received, limits);
    if (refusal !== undefined) {
      detach();
      limits.onRefused(refusal);
      fail(limits.refusalError(refusal));
      return;
    }
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const waiter = waiting;
    if (waiter !== undefined) {
      waiting = undefined;
      waiter.resolve({ done: false, value: bytes });
      return;
    }
    queue.push(bytes);
    queuedBytes += bytes.byteLength;
    if (queuedBytes >= QUEUE_BYTES) incoming.pause();
  };
  const onEnd = () => {
    if (detached) return;
    detach();
    ended = true;
    const waiter = waiting;
    waiting = undefined;
    waiter?.resolve({ done: true, value: undefined });
  };
  const onError = (error: unknown) => {
    if (!detached) fail(error);
  };

  const iterator: AsyncIterator<Uint8Array> = {
    next() {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        queuedBytes -= chunk.byteLength;
        if (!detached && queuedBytes < QUEUE_BYTES) incoming.resume();
        return Promise.resolve({ done: false, value: chunk });
      }
      if (failed) return Promise.reject(failure);
      if (ended || detached) return Promise.resolve({ done: true, value: undefined });
      if (!listening) {
        listening = true;
        incoming.on("data", onData);
        incoming.on("end", onEnd);
        incoming.on("error", onError);
      }
      incoming.resume();
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return() {
      // The reader has what it needs (or gave up): stop reading, keep the socket for the answer.
      detach();
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return { chunks: { [Symbol.asyncIterator]: () => iterator }, detach };
}
