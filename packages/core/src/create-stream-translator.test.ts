import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AnthropicStreamEvent } from "./anthropic-api.js";
import type { ConversionContext } from "./conversion-context.js";
import { convertToAnthropicMessage } from "./convert-to-anthropic-message.js";
import { createStreamTranslator, type StreamTranslatorOptions } from "./create-stream-translator.js";
import { encodeSseEvent } from "./encode-sse-event.js";
import type {
  GeminiCandidate,
  GeminiFinishReason,
  GeminiGenerateContentResponse,
  GeminiPart,
} from "./gemini-api.js";
import { accumulateStream } from "./test-utils/accumulate-stream.js";
import { assertAnthropicStream } from "./test-utils/assert-anthropic-stream.js";
import { createSequentialIdGenerator } from "./test-utils/create-sequential-id-generator.js";
import { createTestContext } from "./test-utils/create-test-context.js";

// The model the test context sends to: every carrier names it as the issuer.
const TEST_MODEL = createTestContext().geminiModel;

import {
  loadChunkFixture,
  loadResponseFixture,
  RESPONSE_FIXTURE_NAMES,
} from "./test-utils/response-fixtures.js";
import {
  decodeThinkingSignature,
  decodeToolUseIdSignature,
  encodeThinkingSignature,
  TRAILING_TEXT_SIGNATURE_WARNING,
} from "./thought-signature.js";

function options(overrides: Partial<StreamTranslatorOptions> = {}, context: Partial<ConversionContext> = {}) {
  return { context: createTestContext(context), generateId: createSequentialIdGenerator(), ...overrides };
}

function translate(
  chunks: readonly GeminiGenerateContentResponse[],
  context: Partial<ConversionContext> = {},
): AnthropicStreamEvent[] {
  const translator = createStreamTranslator(options({}, context));
  const events = chunks.flatMap((chunk) => translator.push(chunk));
  return [...events, ...translator.finish()];
}

function chunk(parts: GeminiPart[], extra: Partial<GeminiCandidate> = {}): GeminiGenerateContentResponse {
  return {
    candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
  } as GeminiGenerateContentResponse;
}

/** JSON round trip, so expectations compare what goes over the wire. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("createStreamTranslator on recorded streams", () => {
  it.each(RESPONSE_FIXTURE_NAMES)("%s: valid event order, matches its .sse snapshot", async (name) => {
    const events = translate(loadChunkFixture(name));
    assertAnthropicStream(events);
    await expect(events.map(encodeSseEvent).join("")).toMatchFileSnapshot(
      `./__fixtures__/responses/${name}.sse`,
    );
  });

  // thinking-text is left out: Gemini 2.5 streams the signature on the first answer chunk,
  // while the whole response carries it on the single merged text part.
  it.each(RESPONSE_FIXTURE_NAMES.filter((name) => name !== "thinking-text"))(
    "%s: the stream accumulates to the non-streaming message",
    (name) => {
      const streamed = accumulateStream(translate(loadChunkFixture(name)));
      const whole = convertToAnthropicMessage(loadResponseFixture(name), options()).value;
      expect(streamed).toEqual(wire(whole));
    },
  );

  it("Gemini 3 final signature-only chunk is dropped: the answer text is the last block", () => {
    const translator = createStreamTranslator(options());
    const events = [...loadChunkFixture("gemini3-text-signature").flatMap((item) => translator.push(item))];
    events.push(...translator.finish());
    const starts = events.filter((event) => event.type === "content_block_start");
    expect(starts.map((event) => event.content_block.type)).toEqual(["thinking", "text"]);
    expect(events.some((event) => event.type === "content_block_delta" && event.index === 2)).toBe(false);
    const message = accumulateStream(events);
    expect(message.content.at(-1)).toEqual({
      type: "text",
      text: expect.stringContaining("Subtract one before calling"),
    });
    expect(translator.warnings).toEqual([TRAILING_TEXT_SIGNATURE_WARNING]);
  });

  it("parallel calls across chunks become separate tool_use blocks with their own indexes", () => {
    const events = translate(loadChunkFixture("parallel-tool-calls"));
    const tools = events.filter(
      (event) => event.type === "content_block_start" && event.content_block.type === "tool_use",
    );
    expect(tools.map((event) => (event as { index: number }).index)).toEqual([1, 2]);
    const ids = tools.map((event) => (event as { content_block: { id: string } }).content_block.id);
    expect(decodeToolUseIdSignature(ids[0]!)).toBeDefined();
    expect(decodeToolUseIdSignature(ids[1]!)).toBeUndefined();
    expect(events.at(-2)).toMatchObject({ type: "message_delta", delta: { stop_reason: "tool_use" } });
  });

  it("message_start takes the first chunk's usage; message_delta the last running total", () => {
    const events = translate(loadChunkFixture("usage-thoughts-cached"));
    expect(events[0]).toMatchObject({
      type: "message_start",
      message: { id: "msg_id1", model: "claude-sonnet-4-5", content: [], stop_reason: null },
    });
    expect((events[0] as { message: { usage: { output_tokens: number } } }).message.usage.output_tokens).toBe(
      512,
    );
    expect(events.at(-2)).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: 15360 + 64 - 12288,
        output_tokens: 29 + 512,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 12288,
      },
    });
  });

  it.each([
    ["max-tokens", "max_tokens"],
    ["safety", "refusal"],
    ["blocked-prompt", "refusal"],
    ["malformed-function-call", "end_turn"],
    ["empty-candidates", "end_turn"],
  ])("%s ends with stop_reason %s", (name, stopReason) => {
    const events = translate(loadChunkFixture(name));
    expect(events.at(-1)).toEqual({ type: "message_stop" });
    expect(events.at(-2)).toMatchObject({ type: "message_delta", delta: { stop_reason: stopReason } });
  });
});

describe("createStreamTranslator tool uses and the safeguard verdicts", () => {
  it("lists the tool_use blocks it sent, and puts the verdicts on the final message_delta", () => {
    const translator = createStreamTranslator(options());
    const events = loadChunkFixture("parallel-tool-calls").flatMap((item) => translator.push(item));
    expect(translator.complete).toBe(true);
    const started = events.flatMap((event) =>
      event.type === "content_block_start" && event.content_block.type === "tool_use"
        ? [event.content_block]
        : [],
    );
    expect(translator.toolUses.map((toolUse) => toolUse.id)).toEqual(started.map((block) => block.id));
    expect(translator.toolUses.every((toolUse) => Object.keys(toolUse.input).length > 0)).toBe(true);
    const safeguardResults = [
      {
        type: "dangerous_tool_use" as const,
        status: {
          type: "available" as const,
          tool_uses: Object.fromEntries(
            translator.toolUses.map((toolUse) => [
              toolUse.id,
              { type: "evaluated", outcome: "not_flagged" } as const,
            ]),
          ),
        },
      },
    ];
    const end = translator.finish({ safeguardResults });
    expect(end.at(-1)).toEqual({ type: "message_stop" });
    expect(end.at(-2)).toMatchObject({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null, safeguard_results: safeguardResults },
    });
    assertAnthropicStream([...events, ...end]);
  });

  it("sends no safeguard_results unless given, and is not complete before a finish reason", () => {
    const translator = createStreamTranslator(options());
    translator.push(chunk([{ text: "Hello" }]));
    expect(translator.complete).toBe(false);
    expect(translator.toolUses).toEqual([]);
    translator.push(chunk([{ text: "!" }], { finishReason: "STOP" as never }));
    expect(translator.complete).toBe(true);
    const delta = translator.finish().find((event) => event.type === "message_delta");
    expect(delta).toBeDefined();
    expect(delta).not.toHaveProperty("delta.safeguard_results");
  });
});

describe("createStreamTranslator text-part signature carriers", () => {
  const textSignature = "dGV4dC1zaWduYXR1cmU=";
  const callSignature = "Y2FsbC1zaWduYXR1cmU=";
  const thoughtSignature = "dGhvdWdodC1zaWduYXR1cmU=";

  /** The type of each block in start order, with the carrier kind for signature-only thinking blocks. */
  function describeBlocks(events: readonly AnthropicStreamEvent[]): string[] {
    return events.flatMap((event) => {
      if (event.type === "content_block_start") return [event.content_block.type];
      if (event.type === "content_block_delta" && event.delta.type === "signature_delta") {
        return [`signature:${decodeThinkingSignature(event.delta.signature)?.kind}`];
      }
      return [];
    });
  }

  it("text + signed text + tool call: the carrier goes out only when the call arrives, before it", () => {
    const translator = createStreamTranslator(options());
    const early = [
      ...translator.push(chunk([{ text: "Let me run " }])),
      ...translator.push(chunk([{ text: "the tests.", thoughtSignature: textSignature }])),
    ];
    // Nothing followed the signed text yet, so its carrier is still held back.
    expect(describeBlocks(early)).toEqual(["text"]);
    const late = [
      ...translator.push(
        chunk(
          [
            {
              functionCall: { name: "Bash", args: { command: "pnpm test" } },
              thoughtSignature: callSignature,
            },
          ],
          {
            finishReason: "STOP" as never,
          },
        ),
      ),
      ...translator.finish(),
    ];
    expect(describeBlocks(late)).toEqual(["thinking", "signature:text", "tool_use"]);
    const events = [...early, ...late];
    assertAnthropicStream(events);
    const message = accumulateStream(events);
    expect(message.content).toEqual([
      { type: "text", text: "Let me run the tests." },
      {
        type: "thinking",
        thinking: "",
        signature: encodeThinkingSignature("text", textSignature, TEST_MODEL),
      },
      { type: "tool_use", id: expect.any(String), name: "Bash", input: { command: "pnpm test" } },
    ]);
    expect(decodeToolUseIdSignature((message.content[2] as { id: string }).id)).toBe(callSignature);
    expect(message.stop_reason).toBe("tool_use");
    expect(translator.warnings).toEqual([]);
  });

  it("thought + text with a trailing signature: the carrier is dropped, the thought keeps its own", () => {
    const translator = createStreamTranslator(options());
    const events = [
      ...translator.push(chunk([{ text: "The month is off by one.", thought: true, thoughtSignature }])),
      ...translator.push(chunk([{ text: "Subtract one from the month." }])),
      ...translator.push(
        chunk([{ text: "", thoughtSignature: textSignature }], { finishReason: "STOP" as never }),
      ),
      ...translator.finish(),
    ];
    assertAnthropicStream(events);
    expect(describeBlocks(events)).toEqual(["thinking", "signature:thought", "text"]);
    expect(accumulateStream(events).content).toEqual([
      {
        type: "thinking",
        thinking: "The month is off by one.",
        signature: encodeThinkingSignature("thought", thoughtSignature, TEST_MODEL),
      },
      { type: "text", text: "Subtract one from the month." },
    ]);
    expect(translator.warnings).toEqual([TRAILING_TEXT_SIGNATURE_WARNING]);
  });

  it("a pending carrier goes out before the next text or thought, in order", () => {
    const events = translate([
      chunk([{ text: "a", thoughtSignature: textSignature }]),
      chunk([{ text: "b" }]),
      chunk([{ text: "", thoughtSignature: callSignature }]),
      chunk([{ text: "t", thought: true }], { finishReason: "MAX_TOKENS" as never }),
    ]);
    assertAnthropicStream(events);
    expect(describeBlocks(events)).toEqual([
      "text",
      "thinking",
      "signature:text",
      "text",
      "thinking",
      "signature:text",
      "thinking",
    ]);
  });
});

describe("createStreamTranslator failures", () => {
  it("a stream cut before any finish reason ends with an api_error and no message_stop", () => {
    const translator = createStreamTranslator(options());
    const first = translator.push(chunk([{ text: "partial" }]));
    const last = translator.finish();
    expect(translator.started).toBe(true);
    expect(translator.finished).toBe(true);
    expect(last).toEqual([
      { type: "error", error: { type: "api_error", message: "Gemini stream ended without a finish reason" } },
    ]);
    assertAnthropicStream([...first, ...last]);
  });

  it("finish() with no chunks at all is an error, not an empty message", () => {
    const translator = createStreamTranslator(options());
    expect(translator.finish()).toEqual([expect.objectContaining({ type: "error" })]);
    expect(translator.started).toBe(false);
  });

  it("fail() uses the default mapper, or the one passed in; later calls return nothing", () => {
    const translator = createStreamTranslator(options());
    translator.push(chunk([{ text: "a" }]));
    expect(translator.fail(new Error("socket hang up"))).toEqual([
      { type: "error", error: { type: "api_error", message: "socket hang up" } },
    ]);
    expect(translator.push(chunk([{ text: "b" }], { finishReason: "STOP" as never }))).toEqual([]);
    expect(translator.finish()).toEqual([]);
    expect(translator.fail(new Error("again"))).toEqual([]);

    const mapped = createStreamTranslator(
      options({
        mapError: () => ({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
      }),
    );
    expect(mapped.fail("anything")).toEqual([
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    ]);
    expect(createStreamTranslator(options()).fail(42)).toEqual([
      { type: "error", error: { type: "api_error", message: "Upstream error" } },
    ]);
  });

  it("a mid-stream {error} chunk fails the stream and hands Gemini's body to mapError", () => {
    const seen: unknown[] = [];
    const translator = createStreamTranslator(
      options({
        mapError: (error) => {
          seen.push(error);
          return { type: "error", error: { type: "overloaded_error", message: "The model is overloaded." } };
        },
      }),
    );
    const events = [
      ...translator.push(chunk([{ text: "Hel" }])),
      ...translator.push({
        error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
      } as unknown as GeminiGenerateContentResponse),
    ];
    expect(seen).toEqual([
      { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    expect(events.some((event) => event.type === "message_stop")).toBe(false);
    assertAnthropicStream(events);
    expect(translator.finish()).toEqual([]);
  });

  it("default mapping of an {error} chunk keeps Gemini's message", () => {
    const translator = createStreamTranslator(options());
    const events = translator.push({
      error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" },
    } as unknown as GeminiGenerateContentResponse);
    expect(events).toEqual([
      { type: "error", error: { type: "api_error", message: "Internal error encountered." } },
    ]);
    expect(translator.started).toBe(false);
  });

  it("a malformed chunk ends the stream with an error event instead of throwing", () => {
    const translator = createStreamTranslator(options());
    const events = [
      ...translator.push(chunk([{ text: "ok" }])),
      ...translator.push(null as unknown as GeminiGenerateContentResponse),
    ];
    expect(events.at(-1)?.type).toBe("error");
    expect(translator.finished).toBe(true);
    assertAnthropicStream(events);
  });

  it("a malformed first chunk yields only an error event and leaves started false", () => {
    const translator = createStreamTranslator(options());
    expect(translator.push(null as unknown as GeminiGenerateContentResponse)).toEqual([
      expect.objectContaining({ type: "error" }),
    ]);
    expect(translator.started).toBe(false);
  });

  it("a thrown mapper still yields an error event", () => {
    const translator = createStreamTranslator(
      options({
        mapError: () => {
          throw new Error("mapper bug");
        },
      }),
    );
    expect(translator.fail(new Error("x"))).toEqual([
      { type: "error", error: { type: "api_error", message: "Upstream error" } },
    ]);
  });

  it("reports dropped parts", () => {
    const translator = createStreamTranslator(options());
    translator.push(chunk([{ inlineData: { mimeType: "image/png", data: "AAAA" } }, { text: "done" }]));
    translator.push(chunk([], { finishReason: "STOP" as never }));
    expect(translator.warnings).toEqual([]);
    expect(translator.dropped).toEqual([
      { feature: "part:inlineData", message: expect.stringContaining("inlineData") },
    ]);
  });
});

// ---------------------------------------------------------------------------
// Property: any chunking of a response streams to the message the non-streaming converter makes.

/** Splits a whole response into stream chunks, driven by a tape of random numbers. */
function chunkResponse(
  response: GeminiGenerateContentResponse,
  tape: readonly number[],
): GeminiGenerateContentResponse[] {
  let cursor = 0;
  const pick = (bound: number) => (bound <= 0 ? 0 : tape[cursor++ % tape.length]! % bound);
  const candidate = response.candidates?.[0];
  if (candidate === undefined) return [response];

  const pieces: GeminiPart[] = [];
  for (const part of candidate.content?.parts ?? []) {
    const text = part.text;
    if (typeof text !== "string" || text.length < 2 || part.functionCall) {
      pieces.push(part);
      continue;
    }
    const cuts = [...new Set(Array.from({ length: pick(4) }, () => 1 + pick(text.length - 1)))].sort(
      (a, b) => a - b,
    );
    const bounds = [0, ...cuts, text.length];
    for (let index = 0; index + 1 < bounds.length; index++) {
      const piece: GeminiPart = { ...part, text: text.slice(bounds[index], bounds[index + 1]) };
      // The signature rides on the last piece, as Gemini streams it.
      if (index + 2 < bounds.length) delete piece.thoughtSignature;
      pieces.push(piece);
    }
  }

  const groups: GeminiPart[][] = [[]];
  for (const piece of pieces) {
    if (groups.at(-1)!.length > 0 && pick(2) === 0) groups.push([]);
    if (pick(6) === 0) groups.push([]); // an occasional chunk with no parts
    groups.at(-1)!.push(piece);
  }
  const { content: _content, ...candidateRest } = candidate;
  return groups.map((parts, index) => {
    const last = index === groups.length - 1;
    const next: GeminiGenerateContentResponse = {
      candidates: [
        last
          ? { ...candidateRest, content: { role: "model", parts } }
          : { content: { role: "model", parts }, index: 0 },
      ],
    } as GeminiGenerateContentResponse;
    if (index === 0 && response.promptFeedback) next.promptFeedback = response.promptFeedback;
    if (last && response.usageMetadata) next.usageMetadata = response.usageMetadata;
    return next;
  });
}

function expectStreamMatches(
  response: GeminiGenerateContentResponse,
  chunks: GeminiGenerateContentResponse[],
  context: Partial<ConversionContext>,
) {
  const events = translate(chunks, context);
  assertAnthropicStream(events);
  const expected = convertToAnthropicMessage(response, options({}, context)).value;
  expect(accumulateStream(events)).toEqual(wire(expected));
}

const tapeArbitrary = fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 64 });

describe("createStreamTranslator properties", () => {
  it.each(RESPONSE_FIXTURE_NAMES)(
    "%s: any chunking gives a valid stream that accumulates to the message",
    (name) => {
      const response = loadResponseFixture(name);
      fc.assert(
        fc.property(tapeArbitrary, fc.boolean(), (tape, showThinking) => {
          expectStreamMatches(response, chunkResponse(response, tape), { showThinking });
        }),
        { numRuns: 150 },
      );
    },
  );

  const signatureArbitrary = fc.option(fc.constantFrom("c2lnQQ==", "c2ln+Qg/", "c2lnQw"), { nil: undefined });
  const textArbitrary = fc.oneof(fc.constant(""), fc.string({ maxLength: 12 }), fc.constant("héllo 👋"));
  const partArbitrary: fc.Arbitrary<GeminiPart> = fc.oneof(
    fc.record({ text: textArbitrary, thoughtSignature: signatureArbitrary }, { requiredKeys: ["text"] }),
    fc.record(
      { text: textArbitrary, thought: fc.constant(true), thoughtSignature: signatureArbitrary },
      { requiredKeys: ["text", "thought"] },
    ),
    fc.record(
      {
        functionCall: fc.record(
          {
            name: fc.constantFrom("Bash", "Read", "mcp__fs__read_multiple", "final_answer"),
            args: fc.dictionary(
              fc.constantFrom("command", "path", "limit", "flags", "value"),
              fc.jsonValue({ maxDepth: 2 }),
            ),
            id: fc.constantFrom("fc1", "a-b_c"),
          },
          { requiredKeys: ["name"] },
        ),
        thoughtSignature: signatureArbitrary,
      },
      { requiredKeys: ["functionCall"] },
    ),
    fc.record(
      {
        toolCall: fc.record({
          toolType: fc.constantFrom("GOOGLE_SEARCH_WEB", "URL_CONTEXT"),
          args: fc.record({ queries: fc.array(textArbitrary, { maxLength: 2 }) }),
          id: fc.constantFrom("t1", "t2"),
        }),
        thoughtSignature: signatureArbitrary,
      },
      { requiredKeys: ["toolCall"] },
    ),
    fc.record(
      {
        toolResponse: fc.record({
          toolType: fc.constant("GOOGLE_SEARCH_WEB"),
          response: fc.record({ search_suggestions: textArbitrary }),
          id: fc.constantFrom("t1", "t2"),
        }),
        thoughtSignature: signatureArbitrary,
      },
      { requiredKeys: ["toolResponse"] },
    ),
    fc.constant<GeminiPart>({ executableCode: { code: "print(1)" } as never }),
  ) as fc.Arbitrary<GeminiPart>;
  const structuredOutputArbitrary = fc.option(
    fc.record({ functionName: fc.constant("final_answer"), wrapped: fc.boolean() }),
    { nil: undefined },
  );
  const finishReasonArbitrary = fc.constantFrom<GeminiFinishReason | "SOMETHING_NEW">(
    "STOP",
    "MAX_TOKENS",
    "SAFETY",
    "MALFORMED_FUNCTION_CALL",
    "OTHER",
    "SOMETHING_NEW",
  );

  it("any parts, any chunking: valid stream that accumulates to the non-streaming message", () => {
    fc.assert(
      fc.property(
        fc.array(partArbitrary, { maxLength: 8 }),
        finishReasonArbitrary,
        tapeArbitrary,
        fc.boolean(),
        structuredOutputArbitrary,
        (parts, finishReason, tape, showThinking, structuredOutput) => {
          const response = {
            candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
            usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3 },
          } as GeminiGenerateContentResponse;
          expectStreamMatches(response, chunkResponse(response, tape), {
            showThinking,
            ...(structuredOutput ? { structuredOutput } : {}),
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});
