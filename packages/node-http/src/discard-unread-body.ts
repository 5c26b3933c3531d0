import type { IncomingMessage } from "node:http";

/** Bounds of {@link discardUnreadBody}. */
export interface DiscardUnreadBodyOptions {
  /** Most bytes read and thrown away before the connection is closed. */
  maxBytes: number;
  /** Longest time spent on it before the connection is closed. */
  timeoutMs: number;
}

/**
 * Reads and throws away what is left of a request body the server answered without reading
 * (a 401, a 413, a refused content type…), so the client can finish sending and then read the
 * answer. Closing at once would reset the connection while the client is still writing: it
 * would see `EPIPE` instead of the 413 waiting for it. Leaving it to Node would read a trickling
 * body until `requestTimeout` (minutes). Here the body gets at most `maxBytes` and `timeoutMs`;
 * past either, the connection is closed. A body that ends in time leaves the connection open
 * for the next request.
 *
 * @example
 * discardUnreadBody(incoming, { maxBytes: 128 * 1024 * 1024, timeoutMs: 10_000 });
 */
export function discardUnreadBody(incoming: IncomingMessage, options: DiscardUnreadBodyOptions): void {
  if (incoming.complete || incoming.readableEnded || incoming.destroyed) return;
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    incoming.off("data", onData);
    incoming.off("end", stop);
    incoming.off("close", stop);
  };
  const cut = () => {
    stop();
    incoming.socket?.destroy();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.byteLength;
    if (discarded > options.maxBytes) cut();
  };
  const timer = setTimeout(cut, options.timeoutMs);
  timer.unref();
  incoming.on("data", onData);
  incoming.once("end", stop);
  incoming.once("close", stop);
  incoming.resume();
}
