import type { ServerResponse } from "node:http";
import {
  type AnswerEventSource,
  type EventSink,
  type HandlerAnswer,
  isEventSource,
} from "@claude-gemini/fetch-handler";
import type { WriteOutcome } from "./write-web-response.js";

/** Framing is Node's business: a handler's `transfer-encoding` would clash with Node's own. */
const SKIPPED_HEADERS = new Set(["transfer-encoding", "set-cookie"]);

/**
 * Gathered event-stream text is written at once past this many characters (at least as many
 * bytes), without waiting for the event loop.
 */
const GATHER_LIMIT_CHARACTERS = 64 * 1024;

/**
 * Writes the fetch handler core's answer straight onto a Node `ServerResponse`, as
 * `writeWebResponse` writes a WHATWG `Response`, with the same result on the wire: text goes
 * out as text (no encoding round trip), a body whose length the answer sends
 * (`sendLength`) leaves with the headers in one write, and an event stream is pulled as the
 * socket takes it, its headers flushed at once, Nagle disabled, and the events of one burst
 * gathered into one write. A client that goes away cancels the event source, which stops the
 * upstream.
 *
 * Rejects only when nothing was sent (a header value Node refuses, an event source that fails
 * before its first event), so the caller can still answer with an error of its own.
 */
export function writeHandlerAnswer(
  answer: HandlerAnswer,
  outgoing: ServerResponse,
  options: { method?: string } = {},
): Promise<WriteOutcome> {
  const { headers, body } = answer;
  const head = options.method === "HEAD";
  if (answer.sendLength === true && body !== null && !isEventSource(body) && !head) {
    return writeWholeBody(answer.status, headers, body, outgoing);
  }
  outgoing.statusCode = answer.status;
  const fields = toNodeHeaders(headers);
  try {
    for (const name in fields) outgoing.setHeader(name, fields[name]!);
  } catch (error) {
    // A value Node refuses (a control character…): nothing is sent, the caller answers an error.
    clearHeaders(outgoing);
    discardHandlerAnswer(answer);
    return Promise.reject(error);
  }

  if (isEventSource(body)) {
    if (!head) return writeEventSource(body, outgoing);
    discardHandlerAnswer(answer);
  } else if (body !== null && !head) {
    // Written first, which makes Node frame it in chunks, as for a web stream.
    outgoing.write(body);
  } else if (body !== null && answer.sendLength === true) {
    outgoing.setHeader("content-length", byteLengthOf(body));
  }
  outgoing.end();
  return Promise.resolve("complete");
}

/**
 * A body whose length is sent, with its headers in one `writeHead`: Node then builds the header
 * block from the record at once instead of validating and storing each field on its own
 * (`setHeader` was the largest line of Node's own code in the small-request profile). Headers
 * set on the response before (Express's) are kept, as `writeHead` merges them.
 */
function writeWholeBody(
  status: number,
  headers: HandlerAnswer["headers"],
  body: string | Uint8Array,
  outgoing: ServerResponse,
): Promise<WriteOutcome> {
  const fields = toNodeHeaders(headers);
  fields["content-length"] ??= String(byteLengthOf(body));
  try {
    outgoing.writeHead(status, fields);
  } catch (error) {
    // A value Node refuses (a control character…): nothing is sent, the caller answers an error.
    clearHeaders(outgoing);
    return Promise.reject(error);
  }
  outgoing.end(body);
  return Promise.resolve("complete");
}

/** An answer's headers as Node takes them: framing left to Node, `set-cookie` as a list. */
function toNodeHeaders(headers: HandlerAnswer["headers"]): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const name in headers) {
    if (!SKIPPED_HEADERS.has(name)) fields[name] = headers[name]!;
  }
  const cookie = headers["set-cookie"];
  if (cookie !== undefined) fields["set-cookie"] = [cookie];
  return fields;
}

function byteLengthOf(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

/** Takes back every header set on a response that was not sent, so an error answer can go instead. */
function clearHeaders(outgoing: ServerResponse): void {
  for (const name of outgoing.getHeaderNames()) outgoing.removeHeader(name);
}

/**
 * Lets go of an answer that will not be written (the client left, a HEAD): an event source is
 * started and, unless that already ended it, cancelled, as a web stream's body would be.
 */
export function discardHandlerAnswer(answer: HandlerAnswer): void {
  const source = answer.body;
  if (!isEventSource(source)) return;
  let closed = false;
  source.start({
    enqueue: () => {},
    close: () => {
      closed = true;
    },
    desiredSize: 0,
  });
  if (!closed) source.cancel(new Error("The answer was not sent."));
}

function writeEventSource(source: AnswerEventSource, outgoing: ServerResponse): Promise<WriteOutcome> {
  if (outgoing.destroyed) {
    discardHandlerAnswer({ status: 200, headers: {}, body: source });
    return Promise.resolve("client-closed");
  }
  outgoing.socket?.setNoDelay(true);
  // The headers leave with the first event when it is already there (one write, not two);
  // a stream whose first event is slow to come still shows its headers at once.
  setImmediate(() => {
    if (!outgoing.headersSent && !outgoing.destroyed) outgoing.flushHeaders();
  });

  return new Promise<WriteOutcome>((resolve, reject) => {
    let settled = false;
    let sourceClosed = false;
    let clientClosed = false;
    let pulling = false;
    let firstWritten = false;
    let draining = false;
    // Events after the first are gathered while a burst of upstream chunks is translated and
    // leave as one write when the event loop turns: Node writes each `write` to the socket on
    // its own, and one system call per upstream chunk was the largest line of the streaming profile.
    let gathered = "";
    let flushScheduled = false;

    const settle = (outcome: WriteOutcome) => {
      if (settled) return;
      settled = true;
      outgoing.off("close", onClose);
      outgoing.off("drain", onDrain);
      resolve(outcome);
    };
    const write = (text: string) => {
      if (!outgoing.write(text)) {
        draining = true;
        outgoing.once("drain", onDrain);
      }
    };
    const flush = () => {
      flushScheduled = false;
      if (gathered === "" || clientClosed || sourceClosed || draining) return;
      const text = gathered;
      gathered = "";
      write(text);
    };
    const onDrain = () => {
      draining = false;
      flush();
      pump();
    };
    const onClose = () => {
      if (outgoing.writableFinished) return;
      clientClosed = true;
      if (!sourceClosed) source.cancel(new Error("The client closed the connection."));
      settle("client-closed");
    };
    const fail = (error: unknown) => {
      pulling = false;
      if (settled || clientClosed) return;
      sourceClosed = true;
      if (gathered !== "") outgoing.write(gathered);
      gathered = "";
      settled = true;
      outgoing.off("close", onClose);
      outgoing.off("drain", onDrain);
      if (!outgoing.headersSent) {
        // Nothing is on the wire yet: clear what we set so the caller can send an error instead.
        clearHeaders(outgoing);
        reject(error);
        return;
      }
      outgoing.end();
      resolve("body-failed");
    };

    const sink: EventSink = {
      enqueue(text) {
        if (sourceClosed || clientClosed) return;
        if (!firstWritten) {
          // Node sends what was written when the current run of callbacks and microtasks ends
          // (it corks the socket until its next tick), so events that follow in the same run (a
          // stream whose end had already arrived) leave in the same system call.
          firstWritten = true;
          write(text);
          return;
        }
        gathered += text;
        if (draining) return;
        if (gathered.length >= GATHER_LIMIT_CHARACTERS) flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      },
      close() {
        if (sourceClosed || clientClosed) return;
        sourceClosed = true;
        // The last gathered events go with the end of the response: one write, not two.
        const rest = gathered;
        gathered = "";
        if (rest === "") outgoing.end();
        else outgoing.end(rest);
        settle("complete");
      },
      // Like a web stream of high-water mark 0: room while the socket takes what was written.
      get desiredSize() {
        return draining && gathered !== "" ? -1 : 0;
      },
    };

    const pump = () => {
      if (pulling || sourceClosed || clientClosed || draining) return;
      pulling = true;
      let pulled: Promise<void>;
      try {
        pulled = source.pull(sink);
      } catch (error) {
        fail(error);
        return;
      }
      pulled.then(() => {
        pulling = false;
        pump();
      }, fail);
    };

    outgoing.on("close", onClose);
    try {
      source.start(sink);
    } catch (error) {
      fail(error);
      return;
    }
    pump();
  });
}
