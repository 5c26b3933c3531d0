import type { AnswerEventSource, EventSink, HandlerAnswer } from "./handler-core.js";
import { isEventSource } from "./handler-core.js";

const encoder = new TextEncoder();

/**
 * The handler core's answer as a WHATWG `Response`. An event source becomes a byte stream of
 * high-water mark 0, so it is pulled only as the reader takes what was sent.
 */
export function createWebResponse(answer: HandlerAnswer): Response {
  const { body, headers } = answer;
  if (isEventSource(body)) return new Response(createEventStream(body), { status: answer.status, headers });
  if (answer.sendLength === true && body !== null) {
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    return new Response(bytes as BodyInit, {
      status: answer.status,
      headers: { ...headers, "content-length": String(bytes.byteLength) },
    });
  }
  return new Response(body as BodyInit | null, { status: answer.status, headers });
}

function createEventStream(source: AnswerEventSource): ReadableStream<Uint8Array> {
  const sinkOf = (controller: ReadableStreamDefaultController<Uint8Array>): EventSink => ({
    enqueue: (text) => controller.enqueue(encoder.encode(text)),
    close: () => {
      try {
        controller.close();
      } catch {
        // Already cancelled by the reader.
      }
    },
    get desiredSize() {
      return controller.desiredSize;
    },
  });
  // The controller is the same object for every call: one sink serves them all.
  let sink: EventSink | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        sink = sinkOf(controller);
        source.start(sink);
      },
      pull: (controller) => source.pull(sink ?? sinkOf(controller)),
      cancel: (reason) => source.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
