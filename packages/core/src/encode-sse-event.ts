import type { AnthropicStreamEvent } from "./anthropic-api.js";

/**
 * Encodes one Anthropic stream event as a server-sent event: `event: <type>`, one `data:` line
 * with the JSON (JSON never contains a raw newline, so one line is always enough), a blank line.
 *
 * @example
 * encodeSseEvent({ type: "message_stop" }); // 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
 */
export function encodeSseEvent(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
