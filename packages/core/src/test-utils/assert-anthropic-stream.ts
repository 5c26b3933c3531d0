import type { AnthropicStreamEvent, ContentBlock, ContentBlockDelta } from "../anthropic-api.js";

/** Which block types each delta may target. */
const DELTA_TARGETS = {
  text_delta: ["text"],
  thinking_delta: ["thinking"],
  signature_delta: ["thinking"],
  input_json_delta: ["tool_use", "server_tool_use"],
  citations_delta: ["text"],
} as const satisfies Record<ContentBlockDelta["type"], readonly ContentBlock["type"][]>;

/**
 * Throws unless `events` form a stream the official Anthropic SDK (and Claude Code) accepts:
 * `message_start` first; block indexes 0, 1, 2… in start order, never reused; deltas and
 * stops only for open blocks and of the block's kind; `signature_delta` only on thinking
 * blocks and immediately before that block's stop; every block stopped before
 * `message_delta`, which carries a usage object; `message_stop` last — or an `error` event
 * last, which may also be the only event when the stream failed before it started.
 */
export function assertAnthropicStream(events: readonly AnthropicStreamEvent[]): void {
  const fail = (position: number, why: string): never => {
    throw new Error(`Invalid Anthropic stream at event ${position} (${events[position]?.type}): ${why}`);
  };
  if (events.length === 0) throw new Error("Invalid Anthropic stream: no events");
  if (events.length === 1 && events[0]!.type === "error") return;
  if (events[0]!.type !== "message_start") fail(0, "the first event must be message_start");

  const blockTypes: ContentBlock["type"][] = [];
  const open = new Set<number>();
  let sawMessageDelta = false;
  let signedIndex: number | undefined;

  events.forEach((event, position) => {
    if (signedIndex !== undefined && !(event.type === "content_block_stop" && event.index === signedIndex)) {
      fail(position, `signature_delta of block ${signedIndex} must be followed by that block's stop`);
    }
    switch (event.type) {
      case "message_start":
        if (position !== 0) fail(position, "message_start may only come first");
        if (event.message.content.length !== 0) fail(position, "message_start must carry empty content");
        break;
      case "content_block_start": {
        if (sawMessageDelta) fail(position, "block started after message_delta");
        if (event.index !== blockTypes.length)
          fail(position, `expected index ${blockTypes.length}, got ${event.index}`);
        const block = event.content_block;
        const empty =
          block.type === "text"
            ? block.text === ""
            : block.type === "thinking"
              ? block.thinking === "" && block.signature === ""
              : block.type === "web_search_tool_result"
                ? true // Anthropic sends search results whole in the start event.
                : Object.keys(block.input).length === 0;
        if (!empty) fail(position, "a started block must be empty; content comes in deltas");
        blockTypes.push(block.type);
        open.add(event.index);
        break;
      }
      case "content_block_delta": {
        if (!open.has(event.index)) fail(position, `delta for block ${event.index}, which is not open`);
        const expected: readonly ContentBlock["type"][] = DELTA_TARGETS[event.delta.type];
        if (!expected.includes(blockTypes[event.index]!)) {
          fail(position, `${event.delta.type} on a ${blockTypes[event.index]} block`);
        }
        if (event.delta.type === "signature_delta") signedIndex = event.index;
        break;
      }
      case "content_block_stop":
        if (!open.has(event.index)) fail(position, `stop for block ${event.index}, which is not open`);
        open.delete(event.index);
        signedIndex = undefined;
        break;
      case "message_delta":
        if (sawMessageDelta) fail(position, "a second message_delta");
        if (open.size > 0) fail(position, `blocks ${[...open].join(", ")} were never stopped`);
        if (typeof event.usage?.output_tokens !== "number" || typeof event.usage.input_tokens !== "number") {
          fail(position, "message_delta must carry a usage object");
        }
        if (event.delta.stop_reason === null) fail(position, "message_delta must set a stop_reason");
        sawMessageDelta = true;
        break;
      case "message_stop":
        if (!sawMessageDelta) fail(position, "message_stop before message_delta");
        if (position !== events.length - 1) fail(position, "message_stop must be the last event");
        break;
      case "error":
        if (position !== events.length - 1) fail(position, "an error event must be the last event");
        break;
      case "ping":
        break;
    }
  });

  const last = events[events.length - 1]!;
  if (last.type !== "message_stop" && last.type !== "error") {
    fail(events.length - 1, "the stream must end with message_stop or an error event");
  }
}
