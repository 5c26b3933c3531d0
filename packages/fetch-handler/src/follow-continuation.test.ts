import type { GeminiGenerateContentParameters, GeminiGenerateContentResponse } from "@claude-gemini/core";
import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";
import type { GeminiWire } from "./create-gemini-wire.js";
import {
  followContinuation,
  MAX_CONTINUATION_HOPS,
  MAX_RECONNECTS_WITHOUT_PROGRESS,
} from "./follow-continuation.js";
import type { GeminiChunkStream } from "./read-gemini-event-stream.js";

// The wire below is an in-memory stand-in for `createGeminiWire` that records the parameters of
// each call; the same behaviour through the real wire and the HTTP fake is tested in
// test/conformance/long-decode.test.ts.

type Chunk = GeminiGenerateContentResponse;
const asChunk = (value: object) => value as Chunk;

function answer(
  text: string,
  options: { finishReason?: string; token?: string; prompt?: number; output?: number } = {},
): Chunk {
  return asChunk({
    candidates: [
      {
        index: 0,
        content: { role: "model", parts: [{ text }] },
        ...(options.finishReason ? { finishReason: options.finishReason } : {}),
        ...(options.token ? { continuationToken: options.token } : {}),
      },
    ],
    usageMetadata: {
      promptTokenCount: options.prompt ?? 100,
      candidatesTokenCount: options.output ?? 10,
      totalTokenCount: (options.prompt ?? 100) + (options.output ?? 10),
    },
  });
}

/** A hop's stream: its chunks, then (optionally) a failure; `buffered` chunks come through `takeBuffered`. */
function hopStream(items: (Chunk | Error)[], log?: { closed: number }): GeminiChunkStream {
  const queue = [...items];
  const stream = (async function* () {
    try {
      while (queue.length > 0) {
        const item = queue.shift()!;
        if (item instanceof Error) throw item;
        yield item;
      }
    } finally {
      if (log) log.closed++;
    }
  })() as GeminiChunkStream;
  stream.takeBuffered = () => {
    const item = queue[0];
    if (item === undefined || item instanceof Error) return undefined;
    return queue.shift() as Chunk;
  };
  return stream;
}

function recordingWire(replies: { json?: Chunk[]; streams?: (() => GeminiChunkStream | Promise<never>)[] }): {
  wire: GeminiWire;
  calls: GeminiGenerateContentParameters[];
} {
  const calls: GeminiGenerateContentParameters[] = [];
  const json = [...(replies.json ?? [])];
  const streams = [...(replies.streams ?? [])];
  return {
    calls,
    wire: {
      via: "rest",
      async generateContent(parameters) {
        calls.push(parameters);
        const next = json.shift();
        if (!next) throw new Error("no more answers");
        return next;
      },
      async generateContentStream(parameters) {
        calls.push(parameters);
        const next = streams.shift();
        if (!next) throw new Error("no more streams");
        return next();
      },
    },
  };
}

const PARAMETERS: GeminiGenerateContentParameters = {
  model: "gemini-4-argon",
  contents: [{ role: "user", parts: [{ text: "Write the whole report." }] }],
  config: { maxOutputTokens: 65_536 },
};

async function drain(stream: GeminiChunkStream): Promise<Chunk[]> {
  const seen: Chunk[] = [];
  for (let result = await stream.next(); !result.done; result = await stream.next()) {
    seen.push(result.value);
    for (let buffered = stream.takeBuffered(); buffered; buffered = stream.takeBuffered())
      seen.push(buffered);
  }
  return seen;
}

const texts = (chunks: Chunk[]) =>
  chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).map((part) => part.text);

describe("followContinuation, JSON", () => {
  it("hands an answer without a token on untouched, after one call", async () => {
    const only = answer("Done.", { finishReason: "STOP" });
    const { wire, calls } = recordingWire({ json: [only] });
    expect(await followContinuation(wire).generateContent(PARAMETERS)).toBe(only);
    expect(calls).toHaveLength(1);
  });

  it("sends the same request with each token until a hop ends for good, and merges the hops", async () => {
    const { wire, calls } = recordingWire({
      json: [
        answer("One. ", { finishReason: "CONTINUATION", token: "tok-1", output: 30 }),
        answer("Two. ", { token: "tok-2", prompt: 120, output: 20 }),
        answer("Three.", { finishReason: "STOP", prompt: 130, output: 5 }),
      ],
    });
    const merged = await followContinuation(wire).generateContent(PARAMETERS);
    expect(calls.map((call) => call.config?.continuationToken)).toEqual([undefined, "tok-1", "tok-2"]);
    // Everything but the token is the request as sent.
    expect(calls[2]).toEqual({ ...PARAMETERS, config: { ...PARAMETERS.config, continuationToken: "tok-2" } });
    const candidate = merged.candidates?.[0];
    expect(candidate?.content?.parts?.map((part) => part.text)).toEqual(["One. ", "Two. ", "Three."]);
    expect(candidate?.finishReason).toBe("STOP");
    expect(candidate).not.toHaveProperty("continuationToken");
    expect(merged.usageMetadata).toEqual({
      promptTokenCount: 100,
      candidatesTokenCount: 55,
      totalTokenCount: 130 + 140 + 135,
    });
  });

  it("does not continue past a final finish reason, even with a token", async () => {
    const capped = answer("Cut.", { finishReason: "MAX_TOKENS", token: "tok-1" });
    const { wire, calls } = recordingWire({ json: [capped] });
    expect(await followContinuation(wire).generateContent(PARAMETERS)).toBe(capped);
    expect(calls).toHaveLength(1);
  });

  it(`stops after ${MAX_CONTINUATION_HOPS} hops, ending as the last hop did`, async () => {
    const endless = Array.from({ length: MAX_CONTINUATION_HOPS + 5 }, (_, index) =>
      answer(".", { finishReason: "CONTINUATION", token: `tok-${index}` }),
    );
    const { wire, calls } = recordingWire({ json: endless });
    const merged = await followContinuation(wire).generateContent(PARAMETERS);
    expect(calls).toHaveLength(MAX_CONTINUATION_HOPS);
    expect(merged.candidates?.[0]?.finishReason).toBe("CONTINUATION");
    expect(merged.candidates?.[0]?.content?.parts).toHaveLength(MAX_CONTINUATION_HOPS);
  });

  it("appends the later hop's search results and points its citations at the merged lists", async () => {
    const grounded = (text: string, extra: object, source: string) =>
      asChunk({
        candidates: [
          {
            content: { role: "model", parts: [{ text }] },
            ...extra,
            groundingMetadata: {
              webSearchQueries: [`${source} query`],
              groundingChunks: [{ web: { uri: `https://${source}.example`, title: source } }],
              groundingSupports: [
                { segment: { partIndex: 0, startIndex: 0, endIndex: 3, text }, groundingChunkIndices: [0] },
              ],
            },
          },
        ],
      });
    const { wire } = recordingWire({
      json: [
        grounded("Aaa", { finishReason: "CONTINUATION", continuationToken: "tok-1" }, "first"),
        grounded("Bbb", { finishReason: "STOP" }, "second"),
      ],
    });
    const metadata = (await followContinuation(wire).generateContent(PARAMETERS)).candidates?.[0]
      ?.groundingMetadata;
    expect(metadata?.webSearchQueries).toEqual(["first query", "second query"]);
    expect(metadata?.groundingChunks?.map((chunk) => chunk.web?.title)).toEqual(["first", "second"]);
    expect(
      metadata?.groundingSupports?.map((support) => [
        support.segment?.partIndex,
        support.groundingChunkIndices,
      ]),
    ).toEqual([
      [0, [0]],
      [1, [1]],
    ]);
  });
});

describe("followContinuation, streams", () => {
  it("hands the chunks of a stream without a token on as they are", async () => {
    const chunks = [answer("a"), answer("b", { finishReason: "STOP" })];
    const { wire, calls } = recordingWire({ streams: [() => hopStream(chunks)] });
    const seen = await drain(await followContinuation(wire).generateContentStream(PARAMETERS));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(chunks[0]);
    expect(seen[1]).toBe(chunks[1]);
    expect(calls).toHaveLength(1);
  });

  it("goes on with the next hop: one stream, the hop's CONTINUATION taken off, usage added up", async () => {
    const { wire, calls } = recordingWire({
      streams: [
        () =>
          hopStream([
            answer("One "),
            answer("more ", { finishReason: "CONTINUATION", token: "tok-1", output: 40 }),
          ]),
        () =>
          hopStream([
            answer("and ", { prompt: 140, output: 3 }),
            answer("done.", { finishReason: "STOP", prompt: 140, output: 8 }),
          ]),
      ],
    });
    const seen = await drain(await followContinuation(wire).generateContentStream(PARAMETERS));
    expect(texts(seen)).toEqual(["One ", "more ", "and ", "done."]);
    expect(seen.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      undefined,
      "STOP",
    ]);
    expect(calls.map((call) => call.config?.continuationToken)).toEqual([undefined, "tok-1"]);
    // Hop 2's running totals plus all of hop 1; the prompt stays hop 1's.
    expect(seen[3]?.usageMetadata).toEqual({
      promptTokenCount: 100,
      candidatesTokenCount: 48,
      totalTokenCount: 140 + 148,
    });
  });

  it("passes chunks handed out by takeBuffered through the same checks", async () => {
    const { wire } = recordingWire({
      streams: [
        () =>
          hopStream([
            answer("x"),
            answer("y"),
            answer("z", { finishReason: "CONTINUATION", token: "tok-1" }),
          ]),
        () => hopStream([answer("!", { finishReason: "STOP" })]),
      ],
    });
    const stream = await followContinuation(wire).generateContentStream(PARAMETERS);
    const first = await stream.next();
    const buffered = [stream.takeBuffered(), stream.takeBuffered(), stream.takeBuffered()];
    expect(first.done).toBe(false);
    expect(buffered[2]).toBeUndefined();
    expect(buffered[1]?.candidates?.[0]?.finishReason).toBeUndefined();
    expect(texts(await drain(stream))).toEqual(["!"]);
  });

  it("opens a later hop again from its token when it broke before any content", async () => {
    const { wire, calls } = recordingWire({
      streams: [
        () => hopStream([answer("Start ", { finishReason: "CONTINUATION", token: "tok-1" })]),
        () => hopStream([new Error("socket hang up")]),
        () => hopStream([answer("end.", { finishReason: "STOP" })]),
      ],
    });
    const seen = await drain(await followContinuation(wire).generateContentStream(PARAMETERS));
    expect(texts(seen)).toEqual(["Start ", "end."]);
    expect(calls.map((call) => call.config?.continuationToken)).toEqual([undefined, "tok-1", "tok-1"]);
  });

  it(`gives up after ${MAX_RECONNECTS_WITHOUT_PROGRESS} reopenings without progress, with the hop's error`, async () => {
    const broken = () => hopStream([new Error("socket hang up")]);
    const { wire, calls } = recordingWire({
      streams: [
        () => hopStream([answer("Start", { finishReason: "CONTINUATION", token: "tok-1" })]),
        broken,
        broken,
        broken,
        broken,
        broken,
      ],
    });
    const stream = await followContinuation(wire).generateContentStream(PARAMETERS);
    await expect(drain(stream)).rejects.toThrow("socket hang up");
    expect(calls).toHaveLength(2 + MAX_RECONNECTS_WITHOUT_PROGRESS);
  });

  it("goes on from a checkpoint token when a hop breaks after it, the first hop too", async () => {
    const { wire, calls } = recordingWire({
      streams: [
        () => hopStream([answer("Part ", { token: "tok-1" }), new Error("connection reset")]),
        () => hopStream([answer("two.", { finishReason: "STOP" })]),
      ],
    });
    const seen = await drain(await followContinuation(wire).generateContentStream(PARAMETERS));
    expect(texts(seen)).toEqual(["Part ", "two."]);
    expect(calls.map((call) => call.config?.continuationToken)).toEqual([undefined, "tok-1"]);
  });

  it("fails as before when a stream without tokens breaks: no second call", async () => {
    const { wire, calls } = recordingWire({
      streams: [() => hopStream([answer("Half"), new Error("connection reset")])],
    });
    await expect(drain(await followContinuation(wire).generateContentStream(PARAMETERS))).rejects.toThrow(
      "connection reset",
    );
    expect(calls).toHaveLength(1);
  });

  it("fails at once when Gemini refuses a later hop with an HTTP error", async () => {
    const refusal = new ApiError({ message: "got status: 400 INVALID_ARGUMENT", status: 400 });
    const { wire, calls } = recordingWire({
      streams: [
        () => hopStream([answer("Start", { finishReason: "CONTINUATION", token: "tok-1" })]),
        () => Promise.reject(refusal),
        () => hopStream([answer("never", { finishReason: "STOP" })]),
      ],
    });
    await expect(drain(await followContinuation(wire).generateContentStream(PARAMETERS))).rejects.toBe(
      refusal,
    );
    expect(calls).toHaveLength(2);
  });

  it("does not reopen anything once the caller aborted", async () => {
    const controller = new AbortController();
    const { wire, calls } = recordingWire({
      streams: [
        () => hopStream([answer("Start", { finishReason: "CONTINUATION", token: "tok-1" })]),
        () => {
          controller.abort();
          return hopStream([new Error("This operation was aborted")]);
        },
      ],
    });
    const parameters = { ...PARAMETERS, config: { ...PARAMETERS.config, abortSignal: controller.signal } };
    await expect(drain(await followContinuation(wire).generateContentStream(parameters))).rejects.toThrow(
      "aborted",
    );
    expect(calls).toHaveLength(2);
  });

  it("closes the hop being read when the stream is closed", async () => {
    const log = { closed: 0 };
    const { wire } = recordingWire({
      streams: [
        () => hopStream([answer("a", { finishReason: "CONTINUATION", token: "tok-1" })], log),
        () => hopStream([answer("b"), answer("c"), answer("d", { finishReason: "STOP" })], log),
      ],
    });
    const stream = await followContinuation(wire).generateContentStream(PARAMETERS);
    await stream.next();
    await stream.next();
    expect(log.closed).toBe(1);
    await stream.return(undefined);
    expect(log.closed).toBe(2);
    expect((await stream.next()).done).toBe(true);
  });
});
