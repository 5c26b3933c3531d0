import { createParser } from "eventsource-parser";

/** One decoded server-sent event. */
export interface SseEvent {
  /** The `event:` field; `undefined` when the event had none (Gemini sends only `data:`). */
  event: string | undefined;
  /** The `data:` lines, joined with `\n`. */
  data: string;
}

/** Feeds text in, calls back once per complete event. */
export interface SseDecoder {
  push(text: string): void;
  /** The stream ended: an event without its closing blank line is incomplete and is dropped, as the SSE spec says. */
  end(): void;
}

/**
 * Decodes a server-sent event stream fed as text in arbitrary pieces: lines split across
 * pieces, `\r\n` split between its two characters, comments and `retry:` lines are all
 * handled by `eventsource-parser`. The caller decodes bytes; split UTF-8 characters are kept
 * whole by a `TextDecoder` used with `{ stream: true }`.
 *
 * @example
 * const decoder = createSseDecoder((event) => chunks.push(JSON.parse(event.data)));
 * const text = new TextDecoder();
 * for await (const bytes of body) decoder.push(text.decode(bytes, { stream: true }));
 * decoder.push(text.decode());
 * decoder.end();
 */
export function createSseDecoder(onEvent: (event: SseEvent) => void): SseDecoder {
  const parser = createParser({
    onEvent(message) {
      onEvent({ event: message.event, data: message.data });
    },
  });
  return {
    push(text) {
      parser.feed(text);
    },
    end() {
      parser.reset();
    },
  };
}
