const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Whole events found in one read are handed out in pieces of about this size. One event per
 * piece would cost the `@google/genai` reader a failed `JSON.parse` (an exception) per event,
 * since it first tries each read as an error body; a whole burst in one piece makes its
 * per-event delimiter search quadratic. A few KB keeps both small.
 */
const DEFAULT_GROUP_BYTES = 4096;

/** What {@link splitServerSentEvents} returns: feed it bytes, then flush what is left at the end. */
export interface ServerSentEventSplitter {
  /** Takes the next bytes of the stream and hands each completed event to `onEvent`. */
  push(chunk: Uint8Array, onEvent: (event: Uint8Array) => void): void;
  /** The bytes after the last complete event, if any (a stream that ended mid-event). */
  flush(): Uint8Array | undefined;
}

/**
 * Re-chunks an SSE byte stream so that each piece ends at an event boundary (`\n\n` or
 * `\r\n\r\n`), whatever the network reads looked like: a burst of many events becomes pieces
 * of about `groupBytes` (whole events each), and an event split over reads is joined. Whole
 * events are handed out at the end of each read, never held back for the next one. A reader that rescans its whole buffer
 * for a delimiter on every event (the `@google/genai` stream reader does) then does linear
 * work instead of quadratic. Bytes are never changed, only cut, so any reader that buffers
 * still sees the same stream (a CR-only stream, which is legal but unseen, passes in pieces
 * as read).
 */
export function splitServerSentEvents(groupBytes = DEFAULT_GROUP_BYTES): ServerSentEventSplitter {
  let pending: Uint8Array[] = [];
  // The last three bytes seen before the current chunk (-1 when there were none): a
  // delimiter may straddle two reads, and it is recognised at its final line feed.
  let previous1 = -1;
  let previous2 = -1;
  let previous3 = -1;

  const byteAt = (chunk: Uint8Array, index: number): number => {
    if (index >= 0) return chunk[index]!;
    if (index === -1) return previous1;
    if (index === -2) return previous2;
    return previous3;
  };
  const take = (piece: Uint8Array): Uint8Array => {
    if (pending.length === 0) return piece;
    pending.push(piece);
    const joined = Buffer.concat(pending);
    pending = [];
    return joined;
  };

  return {
    push(chunk, onEvent) {
      // `start`: the first byte not handed out yet; `end`: the end of the last whole event.
      let start = 0;
      let end = 0;
      let index = chunk.indexOf(LINE_FEED);
      while (index !== -1) {
        const before = byteAt(chunk, index - 1);
        const isBoundary =
          before === LINE_FEED ||
          (before === CARRIAGE_RETURN &&
            byteAt(chunk, index - 2) === LINE_FEED &&
            byteAt(chunk, index - 3) === CARRIAGE_RETURN);
        if (isBoundary) {
          end = index + 1;
          if (end - start >= groupBytes) {
            onEvent(take(chunk.subarray(start, end)));
            start = end;
          }
        }
        index = chunk.indexOf(LINE_FEED, index + 1);
      }
      // Whole events are never held back waiting for more reads: that would delay them.
      if (end > start) {
        onEvent(take(chunk.subarray(start, end)));
        start = end;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
      const length = chunk.length;
      if (length >= 3) {
        previous3 = chunk[length - 3]!;
        previous2 = chunk[length - 2]!;
        previous1 = chunk[length - 1]!;
      } else if (length === 2) {
        previous3 = previous1;
        previous2 = chunk[0]!;
        previous1 = chunk[1]!;
      } else if (length === 1) {
        previous3 = previous2;
        previous2 = previous1;
        previous1 = chunk[0]!;
      }
    },
    flush() {
      if (pending.length === 0) return undefined;
      const rest = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      return rest;
    },
  };
}
