import { describe, expect, it } from "vitest";
import type { AnthropicStreamEvent, Usage } from "../anthropic-api.js";
import { accumulateStream } from "./accumulate-stream.js";
import { assertAnthropicStream } from "./assert-anthropic-stream.js";

const usage: Usage = {
  input_tokens: 1,
  output_tokens: 2,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};
const start: AnthropicStreamEvent = {
  type: "message_start",
  message: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "m",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 0 },
  },
};
const end: AnthropicStreamEvent[] = [
  { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage },
  { type: "message_stop" },
];
const good: AnthropicStreamEvent[] = [
  start,
  { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hm" } },
  { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } },
  { type: "content_block_stop", index: 0 },
  { type: "ping" },
  {
    type: "content_block_start",
    index: 1,
    content_block: { type: "tool_use", id: "toolu_1", name: "Bash", input: {} },
  },
  { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"comm' } },
  { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'and":"ls"}' } },
  { type: "content_block_stop", index: 1 },
  ...end,
];

describe("assertAnthropicStream", () => {
  it("accepts a well-formed stream and a lone error event", () => {
    expect(() => assertAnthropicStream(good)).not.toThrow();
    expect(() =>
      assertAnthropicStream([{ type: "error", error: { type: "api_error", message: "x" } }]),
    ).not.toThrow();
  });

  const textStart = (index: number): AnthropicStreamEvent => ({
    type: "content_block_start",
    index,
    content_block: { type: "text", text: "" },
  });
  const textDelta = (index: number): AnthropicStreamEvent => ({
    type: "content_block_delta",
    index,
    delta: { type: "text_delta", text: "a" },
  });
  const stop = (index: number): AnthropicStreamEvent => ({ type: "content_block_stop", index });

  it.each<[string, AnthropicStreamEvent[], string]>([
    ["no message_start", [textStart(0), stop(0), ...end], "first event"],
    ["index out of order", [start, textStart(1), stop(1), ...end], "expected index 0"],
    ["index reused", [start, textStart(0), stop(0), textStart(0), stop(0), ...end], "expected index 1"],
    ["delta without start", [start, textDelta(0), ...end], "not open"],
    ["delta after stop", [start, textStart(0), stop(0), textDelta(0), ...end], "not open"],
    [
      "signature_delta on a text block",
      [
        start,
        textStart(0),
        { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s" } },
        stop(0),
        ...end,
      ],
      "signature_delta on a text block",
    ],
    [
      "signature_delta not right before stop",
      [
        start,
        {
          type: "content_block_start",
          index: 0,
          content_block: { type: "thinking", thinking: "", signature: "" },
        },
        { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s" } },
        { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "late" } },
        stop(0),
        ...end,
      ],
      "followed by that block's stop",
    ],
    ["block never stopped", [start, textStart(0), ...end], "never stopped"],
    [
      "message_delta without usage",
      [
        start,
        { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null } } as never,
        { type: "message_stop" },
      ],
      "usage",
    ],
    ["no message_stop", [start, end[0]!], "must end with"],
    [
      "events after an error",
      [start, { type: "error", error: { type: "api_error", message: "x" } }, ...end],
      "error event",
    ],
  ])("rejects %s", (_name, events, message) => {
    expect(() => assertAnthropicStream(events)).toThrow(message);
  });
});

describe("accumulateStream", () => {
  it("rebuilds blocks, parses tool input from concatenated partial_json, applies message_delta", () => {
    expect(accumulateStream(good)).toEqual({
      ...start.message,
      content: [
        { type: "thinking", thinking: "hm", signature: "sig" },
        { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
      ],
      stop_reason: "tool_use",
      usage,
    });
  });

  it("throws on an error event and on a stream without message_stop", () => {
    expect(() =>
      accumulateStream([start, { type: "error", error: { type: "api_error", message: "boom" } }]),
    ).toThrow("boom");
    expect(() => accumulateStream([start])).toThrow("message_stop");
  });
});
