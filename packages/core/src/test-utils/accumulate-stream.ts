import type { AnthropicMessage, AnthropicStreamEvent } from "../anthropic-api.js";

/**
 * Rebuilds the final message from stream events the way the Anthropic SDK's `MessageStream`
 * does: blocks by index, text and thinking concatenated, `signature_delta` replacing the
 * signature, tool input parsed from the concatenated `partial_json`, `message_delta` setting
 * the stop reason and overwriting the usage counters. Throws on an `error` event or a stream
 * that never reached `message_stop`.
 */
export function accumulateStream(events: readonly AnthropicStreamEvent[]): AnthropicMessage {
  let message: AnthropicMessage | undefined;
  const json = new Map<number, string>();
  for (const event of events) {
    if (event.type === "error") throw new Error(`stream failed: ${event.error.type}: ${event.error.message}`);
    if (event.type === "message_start") {
      message = JSON.parse(JSON.stringify(event.message)) as AnthropicMessage;
      continue;
    }
    if (message === undefined) throw new Error(`${event.type} before message_start`);
    switch (event.type) {
      case "content_block_start":
        message.content[event.index] = JSON.parse(JSON.stringify(event.content_block));
        break;
      case "content_block_delta": {
        const block = message.content[event.index];
        const delta = event.delta;
        if (block === undefined) throw new Error(`delta for unknown block ${event.index}`);
        if (delta.type === "text_delta" && block.type === "text") block.text += delta.text;
        else if (delta.type === "thinking_delta" && block.type === "thinking")
          block.thinking += delta.thinking;
        else if (delta.type === "signature_delta" && block.type === "thinking")
          block.signature = delta.signature;
        else if (delta.type === "citations_delta" && block.type === "text")
          block.citations = [...(block.citations ?? []), delta.citation];
        else if (
          delta.type === "input_json_delta" &&
          (block.type === "tool_use" || block.type === "server_tool_use")
        ) {
          json.set(event.index, (json.get(event.index) ?? "") + delta.partial_json);
        } else throw new Error(`${delta.type} on a ${block.type} block`);
        break;
      }
      case "content_block_stop": {
        const block = message.content[event.index];
        const buffer = json.get(event.index);
        if ((block?.type === "tool_use" || block?.type === "server_tool_use") && buffer)
          block.input = JSON.parse(buffer);
        break;
      }
      case "message_delta":
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        message.usage = { ...message.usage, ...event.usage };
        break;
      case "message_stop":
        return message;
      case "ping":
        break;
    }
  }
  throw new Error("stream ended before message_stop");
}
