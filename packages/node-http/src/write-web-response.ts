import type { ServerResponse } from "node:http";

/** Framing is Node's business: a handler's `transfer-encoding` would clash with Node's own. */
const SKIPPED_HEADERS = new Set(["transfer-encoding", "set-cookie"]);

/** Gathered event-stream bytes are written at once past this size, without waiting for the event loop. */
const GATHER_LIMIT_BYTES = 64 * 1024;

/** Outcome of {@link writeWebResponse}. */
export type WriteOutcome =
  /** Every byte of the body was handed to Node and the response ended. */
  | "complete"
  /** The client went away first; the body reader was cancelled so the upstream stops too. */
  | "client-closed"
  /** The body failed after the headers were on the wire; the response was ended early. */
  | "body-failed";

/**
 * Copies a WHATWG `Response` onto a Node `ServerResponse`: status, headers (each
 * `set-cookie` kept separate), and the body streamed with backpressure. Event streams get
 * their headers flushed at once and Nagle disabled, so the first event is not held back.
 *
 * Throws only when the body fails before anything was sent, so the caller can still answer
 * with an error of its own.
 */
export async function writeWebResponse(
  response: Response,
  outgoing: ServerResponse,
  options: { method?: string } = {},
): Promise<WriteOutcome> {
  outgoing.statusCode = response.status;
  if (response.statusText) outgoing.statusMessage = response.statusText;
  response.headers.forEach((value, name) => {
    if (!SKIPPED_HEADERS.has(name)) outgoing.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing.setHeader("set-cookie", cookies);

  const body = response.body;
  if (!body || options.method === "HEAD") {
    await body?.cancel().catch(() => {});
    outgoing.end();
    return "complete";
  }

  const isEventStream = (response.headers.get("content-type") ?? "")
    .toLowerCase()
    .startsWith("text/event-stream");
  if (isEventStream) {
    outgoing.socket?.setNoDelay(true);
    // The headers leave with the first event when it is already there (one write, not two);
    // a stream whose first event is slow to come still shows its headers at once.
    setImmediate(() => {
      if (!outgoing.headersSent && !outgoing.destroyed) outgoing.flushHeaders();
    });
  }

  // A body of known length ends with the `end` call that writes its last bytes: headers and
  // body then leave in one write, without the extra `end()` round of a chunked reply.
  const declaredLength = Number(response.headers.get("content-length") ?? Number.NaN);
  let written = 0;
  const reader = body.getReader();
  let clientClosed = outgoing.destroyed;
  // Event-stream chunks after the first are gathered while a burst of upstream chunks is being
  // translated and leave as one write when the event loop turns: Node writes each `write` to
  // the socket on its own (a `cork` on the response does not merge them), and one system call
  // per upstream chunk was the largest line of the streaming profile.
  let gathered: Uint8Array[] = [];
  let gatheredBytes = 0;
  let flushScheduled = false;
  let needsDrain = false;
  const flush = () => {
    flushScheduled = false;
    if (gathered.length === 0 || clientClosed) return;
    const chunk = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
    gathered = [];
    gatheredBytes = 0;
    if (!outgoing.write(chunk)) needsDrain = true;
  };
  const onClose = () => {
    if (outgoing.writableFinished) return;
    clientClosed = true;
    reader.cancel(new Error("The client closed the connection.")).catch(() => {});
  };
  outgoing.on("close", onClose);
  try {
    while (!clientClosed) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (clientClosed) break;
        flush();
        if (!outgoing.headersSent) {
          // Nothing is on the wire yet: clear what we set so the caller can send an error instead.
          for (const name of outgoing.getHeaderNames()) outgoing.removeHeader(name);
          throw error;
        }
        outgoing.end();
        return "body-failed";
      }
      if (result.done) break;
      if (clientClosed) break;
      written += result.value.byteLength;
      if (written === declaredLength) {
        outgoing.end(result.value);
        return "complete";
      }
      if (isEventStream && written !== result.value.byteLength) {
        gathered.push(result.value);
        gatheredBytes += result.value.byteLength;
        if (gatheredBytes >= GATHER_LIMIT_BYTES) flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
        if (needsDrain) {
          needsDrain = false;
          await waitForDrain(outgoing);
        }
        continue;
      }
      if (!outgoing.write(result.value)) await waitForDrain(outgoing);
      else if (isEventStream && written === result.value.byteLength) {
        // Node sends what was written on its next tick, and a burst of upstream chunks is
        // translated in one run of microtasks: without this one turn of the event loop, the
        // first event would wait for the whole burst.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (clientClosed) return "client-closed";
    // The last gathered bytes go with the end of the response: one write, not two.
    const rest = gathered.length === 0 ? undefined : Buffer.concat(gathered, gatheredBytes);
    gathered = [];
    if (rest === undefined) outgoing.end();
    else outgoing.end(rest);
    return "complete";
  } finally {
    outgoing.off("close", onClose);
    reader.releaseLock();
  }
}

/** Resolves when Node's socket buffer has room again, or when the client is gone. */
function waitForDrain(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off("drain", done);
      outgoing.off("close", done);
      resolve();
    };
    outgoing.on("drain", done);
    outgoing.on("close", done);
  });
}
