import { createSseDecoder, type SseEvent } from "@claude-gemini/core";

/**
 * Whole events found in one read are handed out in pieces of about this size. One event per
 * piece would cost the `@google/genai` reader a failed `JSON.parse` (an exception) per event,
 * since it first tries each read as an error body; a whole burst in one piece makes its
 * per-event delimiter search quadratic. A few KB keeps both small.
 */
const DEFAULT_GROUP_BYTES = 4096;

/** What {@link regroupServerSentEvents} returns: feed it bytes, then flush at the end. */
export interface ServerSentEventRegrouper {
  /** Takes the next bytes of the stream and hands out the events it completed, in pieces. */
  push(chunk: Uint8Array, onPiece: (piece: Uint8Array) => void): void;
  /** The stream ended: an event without its closing blank line is dropped, as the SSE spec says. */
  flush(): void;
}

/**
 * Re-chunks an SSE byte stream so that each piece holds whole events, whatever the network
 * reads looked like: a burst of many events becomes pieces of about `groupBytes`, and an event
 * split over reads is joined. Events completed by a read are handed out at its end, never held
 * back for the next one. A reader that rescans its whole buffer for a delimiter on every event
 * (the `@google/genai` stream reader does) then does linear work instead of quadratic.
 *
 * Parsing is core's `createSseDecoder` (`eventsource-parser`): comments and `retry:` lines are
 * dropped, and each event is written again as `event:` (when it had one) and `data:` lines ending
 * in a blank line, which is what SSE readers look at.
 *
 * @example
 * const regrouper = regroupServerSentEvents();
 * socket.on("data", (chunk) => regrouper.push(chunk, (piece) => controller.enqueue(piece)));
 */
export function regroupServerSentEvents(groupBytes = DEFAULT_GROUP_BYTES): ServerSentEventRegrouper {
  const textDecoder = new TextDecoder();
  const textEncoder = new TextEncoder();
  let pending = "";
  let hand: ((piece: Uint8Array) => void) | undefined;
  const handOut = () => {
    if (pending === "" || hand === undefined) return;
    hand(textEncoder.encode(pending));
    pending = "";
  };
  const decoder = createSseDecoder((event) => {
    pending += encodeEvent(event);
    if (pending.length >= groupBytes) handOut();
  });
  return {
    push(chunk, onPiece) {
      hand = onPiece;
      decoder.push(textDecoder.decode(chunk, { stream: true }));
      handOut();
    },
    flush() {
      decoder.push(textDecoder.decode());
      decoder.end();
      pending = "";
    },
  };
}

function encodeEvent(event: SseEvent): string {
  const lines = event.data.split("\n").map((line) => `data: ${line}\n`);
  return `${event.event === undefined ? "" : `event: ${event.event}\n`}${lines.join("")}\n`;
}
