import {
  ApiError,
  type Content,
  type GenerateContentResponse,
  GoogleGenAI,
  type ThinkingConfig,
  ThinkingLevel,
} from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, SIGNATURE_PLACEHOLDER, startGeminiFake } from "./index.js";
import { KNOWN_MODELS } from "./known-models.js";

const API_KEY = "fake-key";
let fake: GeminiFake;
let client: GoogleGenAI;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: API_KEY });
  client = new GoogleGenAI({ apiKey: API_KEY, apiVersion: "v1beta", httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setDefault({ kind: "text", text: "Hello from the Gemini fake." });
});

const hello: Content[] = [{ role: "user", parts: [{ text: "Hello" }] }];

async function collect(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function googleMessage(error: ApiError): string {
  try {
    return (JSON.parse(error.message) as { error: { message: string } }).error.message;
  } catch {
    return error.message;
  }
}

/** `message`: a pattern for Google's message, or the whole message when a string. */
async function expectApiError(
  promise: Promise<unknown>,
  status: number,
  message?: RegExp | string,
): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(status);
  // The SDK puts the JSON body in `message`; match against Google's own message inside it.
  if (typeof message === "string") expect(googleMessage(error as ApiError)).toBe(message);
  else if (message) expect(googleMessage(error as ApiError)).toMatch(message);
  return error as ApiError;
}

describe("text answers", () => {
  it("answers non-streaming with usage and the request recorded", async () => {
    fake.enqueue({ kind: "text", text: "Hi there", usage: { candidatesTokenCount: 7 } });
    const response = await client.models.generateContent({ model: "gemini-2.5-flash-lite", contents: hello });
    expect(response.text).toBe("Hi there");
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: expect.any(Number),
      candidatesTokenCount: 7,
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: "POST",
      apiVersion: "v1beta",
      model: "gemini-2.5-flash-lite",
      action: "generateContent",
      aborted: false,
      body: { contents: hello },
    });
    expect(fake.requests[0]!.headers["x-goog-api-key"]).toBe(API_KEY);
  });

  it("streams the text in N chunks with the finish reason and final usage last", async () => {
    fake.enqueue({ kind: "text", text: "abcdefghij", chunks: 3 });
    const chunks = await collect(
      await client.models.generateContentStream({ model: "gemini-2.5-flash-lite", contents: hello }),
    );
    expect(chunks.map((chunk) => chunk.text)).toEqual(["abcd", "efg", "hij"]);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      "STOP",
    ]);
    const totals = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount ?? 0);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(fake.requests[0]).toMatchObject({ action: "streamGenerateContent", query: { alt: "sse" } });
  });

  it("sends thoughts only when includeThoughts was asked for, and signs Gemini 3 text", async () => {
    fake.enqueue(
      { kind: "text", text: "answer", thoughts: "pondering" },
      { kind: "text", text: "answer", thoughts: "pondering" },
    );
    const without = await collect(
      await client.models.generateContentStream({ model: "gemini-3-flash-preview", contents: hello }),
    );
    expect(
      without.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).some((part) => part.thought),
    ).toBe(false);
    expect(without.at(-1)?.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    const withThoughts = await collect(
      await client.models.generateContentStream({
        model: "gemini-3-flash-preview",
        contents: hello,
        config: { thinkingConfig: { includeThoughts: true } },
      }),
    );
    const parts = withThoughts.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    expect(parts[0]).toEqual({ text: "pondering", thought: true });
    expect(parts.at(-1)).toEqual({ text: "", thoughtSignature: expect.any(String) });
  });

  it("echoes what it received", async () => {
    fake.enqueue({ kind: "echo" });
    const response = await client.models.generateContent({
      model: "gemini-2.5-flash-lite",
      contents: hello,
      config: { systemInstruction: "Be brief.", tools: [{ functionDeclarations: [{ name: "Read" }] }] },
    });
    expect(JSON.parse(response.text!)).toMatchObject({
      contents: 1,
      roles: ["user"],
      functionDeclarations: ["Read"],
      systemInstruction: "Be brief.",
      lastUserText: "Hello",
    });
  });

  it("lets a script pick the answer from the request, with signatures on Gemini 3", async () => {
    const seen: string[] = [];
    fake.setDefault({
      kind: "script",
      handler: (request) => {
        const lastText = request.body.contents.at(-1).parts[0].text as string;
        seen.push(lastText);
        return lastText === "call"
          ? { kind: "tool_calls", calls: [{ name: "Read", args: { file_path: "a.txt" } }] }
          : { kind: "text", text: `you said ${lastText}` };
      },
    });
    const tools = [{ functionDeclarations: [{ name: "Read" }] }];
    const said = await client.models.generateContent({
      model: "gemini-3.1-pro-preview",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    });
    expect(said.text).toBe("you said hi");
    const called = await client.models.generateContent({
      model: "gemini-3.1-pro-preview",
      contents: [{ role: "user", parts: [{ text: "call" }] }],
      config: { tools },
    });
    const callPart = called.candidates?.[0]?.content?.parts?.[0];
    expect(callPart?.functionCall).toEqual({ name: "Read", args: { file_path: "a.txt" } });
    expect(callPart?.thoughtSignature).toEqual(expect.any(String));
    expect(seen).toEqual(["hi", "call"]);
  });

  it("counts tokens deterministically and consistently with promptTokenCount", async () => {
    const counted = await client.models.countTokens({ model: "gemini-2.5-flash-lite", contents: hello });
    const again = await client.models.countTokens({ model: "gemini-2.5-flash-lite", contents: hello });
    const response = await client.models.generateContent({ model: "gemini-2.5-flash-lite", contents: hello });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(again.totalTokens).toBe(counted.totalTokens);
    expect(response.usageMetadata?.promptTokenCount).toBe(counted.totalTokens);
  });
});

describe("tool calls", () => {
  it("returns the calls, signing only the first on Gemini 3, split across chunks on request", async () => {
    fake.enqueue({
      kind: "tool_calls",
      calls: [
        { name: "Read", args: { path: "a" } },
        { name: "Bash", args: { command: "ls" }, id: "call-2" },
      ],
      text: "Let me look.",
      splitAcrossChunks: true,
    });
    const chunks = await collect(
      await client.models.generateContentStream({ model: "gemini-3.1-pro-preview", contents: hello }),
    );
    const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    expect(parts).toEqual([
      { text: "Let me look." },
      { functionCall: { name: "Read", args: { path: "a" } }, thoughtSignature: expect.any(String) },
      { functionCall: { name: "Bash", args: { command: "ls" }, id: "call-2" } },
    ]);
    expect(chunks).toHaveLength(3);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP");
  });

  it("refuses a signature another model issued, as a made-up one", async () => {
    const tools = [{ functionDeclarations: [{ name: "Bash" }] }];
    fake.enqueue({ kind: "tool_calls", calls: [{ name: "Bash", args: { command: "ls" } }] });
    const first = await client.models.generateContent({
      model: "gemini-3-flash-preview",
      contents: hello,
      config: { tools },
    });
    const callPart = first.candidates![0]!.content!.parts![0]!;
    expect(callPart.thoughtSignature).toEqual(expect.any(String));
    const contents = [
      ...hello,
      { role: "model", parts: [callPart] },
      { role: "user", parts: [{ functionResponse: { name: "Bash", response: { output: "a.txt" } } }] },
    ];
    await expectApiError(
      client.models.generateContent({ model: "gemini-3.1-pro-preview", contents, config: { tools } }),
      400,
      /Corrupted thought signature\./,
    );
    const done = await client.models.generateContent({
      model: "gemini-3-flash-preview",
      contents,
      config: { tools },
    });
    expect(done.text).toBe("Hello from the Gemini fake.");
  });

  it("enforces signatures across a two-step Gemini 3 tool conversation", async () => {
    const model = "gemini-3.1-pro-preview";
    const tools = [
      {
        functionDeclarations: [
          {
            name: "Bash",
            parameters: { type: "OBJECT" as never, properties: { command: { type: "STRING" as never } } },
          },
        ],
      },
    ];
    fake.enqueue({ kind: "tool_calls", calls: [{ name: "Bash", args: { command: "ls" } }] });
    const first = await client.models.generateContent({ model, contents: hello, config: { tools } });
    const firstCallPart = first.candidates![0]!.content!.parts![0]!;
    expect(firstCallPart.thoughtSignature).toEqual(expect.any(String));

    const replies = {
      role: "user",
      parts: [{ functionResponse: { name: "Bash", response: { output: "a.txt" } } }],
    };
    const stepOne = { role: "model", parts: [firstCallPart] };
    fake.enqueue({ kind: "tool_calls", calls: [{ name: "Bash", args: { command: "cat a.txt" } }] });
    const second = await client.models.generateContent({
      model,
      contents: [...hello, stepOne, replies],
      config: { tools },
    });
    const secondCallPart = second.candidates![0]!.content!.parts![0]!;

    const stepTwo = { role: "model", parts: [secondCallPart] };
    const unsignedTwo = { role: "model", parts: [{ functionCall: secondCallPart.functionCall }] };
    const forgedTwo = { role: "model", parts: [{ ...secondCallPart, thoughtSignature: "Zm9yZ2Vk" }] };
    const history = (step: Content) => [...hello, stepOne, replies, step, replies];

    await expectApiError(
      client.models.generateContent({ model, contents: history(unsignedTwo), config: { tools } }),
      400,
      /missing a thought_signature in functionCall parts.*default_api:Bash/,
    );
    await expectApiError(
      client.models.generateContent({ model, contents: history(forgedTwo), config: { tools } }),
      400,
      /Corrupted thought signature\./,
    );
    fake.enqueue({ kind: "text", text: "Done." });
    const done = await client.models.generateContent({
      model,
      contents: history(stepTwo),
      config: { tools },
    });
    expect(done.text).toBe("Done.");
    const placeholder = {
      role: "model",
      parts: [{ ...unsignedTwo.parts[0], thoughtSignature: SIGNATURE_PLACEHOLDER }],
    };
    await client.models.generateContent({ model, contents: history(placeholder), config: { tools } });
    expect(fake.requests.map((request) => request.rejection?.status)).toEqual([
      undefined,
      undefined,
      400,
      400,
      undefined,
      undefined,
    ]);
  });
});

describe("error scenarios", () => {
  it.each([
    [
      {
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Quota exceeded",
        retryDelay: "2s",
      },
      429,
    ],
    [{ kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." }, 503],
    [{ kind: "error", status: 500, geminiStatus: "INTERNAL", message: "Internal error" }, 500],
    [{ kind: "error", status: 504, geminiStatus: "DEADLINE_EXCEEDED", message: "Deadline" }, 504],
    [
      {
        kind: "error",
        status: 403,
        geminiStatus: "PERMISSION_DENIED",
        message: "Denied",
        reason: "SERVICE_DISABLED",
      },
      403,
    ],
  ] as const)("%j throws ApiError %i", async (scenario, status) => {
    fake.enqueue(scenario, scenario);
    const error = await expectApiError(
      client.models.generateContent({ model: "gemini-2.5-flash-lite", contents: hello }),
      status,
    );
    const body = JSON.parse(error.message) as {
      error: { code: number; status: string; details?: unknown[] };
    };
    expect(body.error).toMatchObject({
      code: status,
      status: scenario.geminiStatus,
      message: scenario.message,
    });
    if ("retryDelay" in scenario) {
      expect(body.error.details).toContainEqual({
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: "2s",
      });
    }
    await expectApiError(
      client.models.generateContentStream({ model: "gemini-2.5-flash-lite", contents: hello }),
      status,
    );
  });

  it("reports a mid-stream error chunk", async () => {
    fake.enqueue({ kind: "error_chunk", afterChunks: 2, geminiStatus: "INTERNAL", message: "boom" });
    const seen: string[] = [];
    const failure = (async () => {
      for await (const chunk of await client.models.generateContentStream({
        model: "gemini-2.5-flash-lite",
        contents: hello,
      })) {
        seen.push(chunk.text ?? "");
      }
    })();
    await expectApiError(failure, 500, /boom/);
    expect(seen).toEqual(["Chunk 1. ", "Chunk 2. "]);
  });

  it.each(["close", "reset"] as const)("cuts the stream (%s)", async (mode) => {
    fake.enqueue({ kind: "cut_stream", afterChunks: 1, mode });
    const failure = collect(
      await client.models.generateContentStream({ model: "gemini-2.5-flash-lite", contents: hello }),
    );
    await expect(failure).rejects.toThrow();
    expect(fake.requests[0]!.aborted).toBe(false);
  });

  it("sends a garbage chunk", async () => {
    fake.enqueue({ kind: "garbage_chunk", afterChunks: 1 });
    const failure = collect(
      await client.models.generateContentStream({ model: "gemini-2.5-flash-lite", contents: hello }),
    );
    await expect(failure).rejects.toThrow(/parsing stream chunk|JSON/);
  });

  it("answers blocked prompts, finish reasons, empty candidates and missing finish reasons", async () => {
    fake.enqueue(
      { kind: "blocked", blockReason: "PROHIBITED_CONTENT" },
      { kind: "finish", finishReason: "MALFORMED_FUNCTION_CALL" },
      { kind: "finish", finishReason: "MAX_TOKENS", text: "cut o" },
      { kind: "empty_candidates" },
      { kind: "no_finish_reason" },
    );
    const ask = () => client.models.generateContent({ model: "gemini-2.5-flash-lite", contents: hello });
    const blocked = await ask();
    expect(blocked.promptFeedback?.blockReason).toBe("PROHIBITED_CONTENT");
    expect(blocked.candidates).toBeUndefined();
    const malformed = await ask();
    expect(malformed.candidates?.[0]).toMatchObject({ finishReason: "MALFORMED_FUNCTION_CALL" });
    expect(malformed.candidates?.[0]?.content).toBeUndefined();
    const maxTokens = await ask();
    expect(maxTokens.candidates?.[0]).toMatchObject({ finishReason: "MAX_TOKENS" });
    expect(maxTokens.text).toBe("cut o");
    expect((await ask()).candidates).toBeUndefined();
    const unfinished = await ask();
    expect(unfinished.text).toBe("Unfinished answer.");
    expect(unfinished.candidates?.[0]?.finishReason).toBeUndefined();
  });

  it("lets a test answer with anything", async () => {
    fake.enqueue({
      kind: "respond",
      handler: (request) => ({
        status: 200,
        body: { candidates: [{ content: { role: "model", parts: [{ text: `#${request.id}` }] } }] },
      }),
    });
    expect(
      (await client.models.generateContent({ model: "gemini-2.5-flash-lite", contents: hello })).text,
    ).toBe("#1");
  });
});

describe("transport", () => {
  it("records a client abort on a stalled stream within 100 ms", async () => {
    fake.enqueue({ kind: "stall", afterChunks: 1 });
    const controller = new AbortController();
    const stream = await client.models.generateContentStream({
      model: "gemini-2.5-flash-lite",
      contents: hello,
      config: { abortSignal: controller.signal },
    });
    const first = await stream.next();
    expect(first.value?.text).toBe("Chunk 1. ");
    const abortedAt = performance.now();
    controller.abort();
    await expect(stream.next()).rejects.toThrow();
    await expect.poll(() => fake.requests[0]!.aborted, { timeout: 1000 }).toBe(true);
    expect(fake.requests[0]!.abortedAfterMs).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(500);
  });

  it("delays a slow answer", async () => {
    fake.enqueue({
      kind: "slow",
      delayMs: 80,
      between: 20,
      inner: { kind: "text", text: "abcd", chunks: 2 },
    });
    const started = performance.now();
    const chunks = await collect(
      await client.models.generateContentStream({ model: "gemini-2.5-flash-lite", contents: hello }),
    );
    expect(chunks.map((chunk) => chunk.text)).toEqual(["ab", "cd"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("checks the API key", async () => {
    const wrong = new GoogleGenAI({
      apiKey: "other",
      apiVersion: "v1beta",
      httpOptions: { baseUrl: fake.url },
    });
    const error = await expectApiError(
      wrong.models.generateContent({ model: "gemini-2.5-flash-lite", contents: hello }),
      400,
    );
    expect(JSON.parse(error.message)).toEqual({
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [
          expect.objectContaining({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "API_KEY_INVALID",
          }),
        ],
      },
    });
    const missing = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash-lite:generateContent`, {
      method: "POST",
      body: JSON.stringify({ contents: hello }),
    });
    expect(missing.status).toBe(403);
    const byQuery = await fetch(
      `${fake.url}/v1/models/gemini-2.5-flash-lite:generateContent?key=${API_KEY}`,
      {
        method: "POST",
        body: JSON.stringify({ contents: hello }),
      },
    );
    expect(byQuery.status).toBe(200);
  });

  it("serves model info and 404s unknown models", async () => {
    const model = await client.models.get({ model: "gemini-3.8-flash" });
    expect(model).toMatchObject({
      name: "models/gemini-3.8-flash",
      version: "3.8",
      outputTokenLimit: 65_536,
    });
    const list = await fetch(`${fake.url}/v1beta/models`, { headers: { "x-goog-api-key": API_KEY } });
    const listed = ((await list.json()) as { models: { name: string }[] }).models;
    expect(listed.map((entry) => entry.name)).toEqual(Object.keys(KNOWN_MODELS).map((id) => `models/${id}`));
    await expectApiError(
      client.models.generateContent({ model: "gemini-1.0-ultra", contents: hello }),
      404,
      /models\/gemini-1\.0-ultra is not found for API version v1beta, or is not supported for generateContent/,
    );
  });

  it("answers 400 to malformed JSON without crashing", async () => {
    const response = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash-lite:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": API_KEY },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe("INVALID_ARGUMENT");
    expect(fake.requests[0]!.rejection?.status).toBe(400);
  });
});

describe("strictness through the real SDK", () => {
  // A 2.5 model: no thought signatures to send, so the bodies below stay short.
  const model = "gemini-2.5-flash-lite";
  it.each([
    [
      "unknown schema keys",
      model,
      {
        tools: [
          {
            functionDeclarations: [
              {
                name: "f",
                parameters: { type: "OBJECT", properties: { a: { type: "NUMBER", exclusiveMinimum: 0 } } },
              },
            ],
          },
        ],
      },
      {
        tools: [
          {
            functionDeclarations: [
              {
                name: "f",
                parameters: { type: "OBJECT", properties: { a: { type: "NUMBER", minimum: 0 } } },
              },
            ],
          },
        ],
      },
      /Unknown name "exclusiveMinimum"/,
    ],
    ["maxOutputTokens", model, { maxOutputTokens: 128_000 }, { maxOutputTokens: 32_000 }, /maxOutputTokens/],
    [
      "thinking budget 0 on 3.1 Pro",
      "gemini-3.1-pro-preview",
      { thinkingConfig: { thinkingBudget: 0 } },
      { thinkingConfig: { thinkingBudget: 1024 } },
      /Budget 0 is invalid/,
    ],
    [
      "illegal function names",
      model,
      { tools: [{ functionDeclarations: [{ name: "-A" }] }] },
      { tools: [{ functionDeclarations: [{ name: "A" }] }] },
      /Invalid function name/,
    ],
  ])("%s: rejects, then accepts the corrected request", async (_label, modelId, bad, good, message) => {
    await expectApiError(
      client.models.generateContent({ model: modelId, contents: hello, config: bad as never }),
      400,
      message,
    );
    await client.models.generateContent({ model: modelId, contents: hello, config: good as never });
    expect(fake.requests.map((request) => Boolean(request.rejection))).toEqual([true, false]);
    expect(fake.requests[0]!.rejection?.message).toMatch(message);
  });

  it("rejects unpaired function responses", async () => {
    const call = {
      role: "model",
      parts: [{ functionCall: { name: "f", args: {} } }, { functionCall: { name: "g", args: {} } }],
    };
    const one = { role: "user", parts: [{ functionResponse: { name: "f", response: { output: 1 } } }] };
    const both = {
      role: "user",
      parts: [...one.parts, { functionResponse: { name: "g", response: { output: 2 } } }],
    };
    await expectApiError(
      client.models.generateContent({ model, contents: [...hello, call, one] }),
      400,
      /number of function response parts is equal to the number of function call parts/,
    );
    await client.models.generateContent({ model, contents: [...hello, call, both] });
  });

  it("can be relaxed with strict: false", async () => {
    const lenient = await startGeminiFake({ strict: false });
    try {
      const relaxed = new GoogleGenAI({
        apiKey: "any",
        apiVersion: "v1beta",
        httpOptions: { baseUrl: lenient.url },
      });
      const response = await relaxed.models.generateContent({
        model,
        contents: hello,
        config: { maxOutputTokens: 999_999 },
      });
      expect(response.text).toBe("Hello from the Gemini fake.");
    } finally {
      await lenient.close();
    }
  });
});

describe("the model line-up of 2026-12-06 through the real SDK", () => {
  const RETIRED = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.0-flash"];
  const BUDGET_REFUSED = "Thinking budget is not supported for this model. Use thinking level instead.";
  const levelRefused = (level: string, allowed: string) =>
    `'${level}' is not a supported thinking level for this model. Allowed values are: ${allowed}`;
  const think = (model: string, thinkingConfig: ThinkingConfig) =>
    client.models.generateContent({ model, contents: hello, config: { thinkingConfig } });
  const rejections = () => fake.requests.map((request) => request.rejection?.status);

  async function expectNotFound(promise: Promise<unknown>, model: string): Promise<void> {
    const error = await expectApiError(promise, 404);
    const body = JSON.parse(error.message) as { error: { code: number; status: string; message: string } };
    expect(body.error).toMatchObject({ code: 404, status: "NOT_FOUND" });
    expect(body.error.message).toContain(`models/${model} is not found for API version v1beta`);
  }

  it.each(RETIRED)("%s is retired: generateContent and models.get answer 404 NOT_FOUND", async (model) => {
    await expectNotFound(client.models.generateContent({ model, contents: hello }), model);
    await expectNotFound(client.models.get({ model }), model);
    expect(fake.requests.map((request) => [request.action, request.rejection?.status])).toEqual([
      ["generateContent", 404],
      ["get", 404],
    ]);
  });

  it("3.8 Flash refuses MINIMAL and serves LOW, MEDIUM and HIGH", async () => {
    await expectApiError(
      think("gemini-3.8-flash", { thinkingLevel: ThinkingLevel.MINIMAL }),
      400,
      "'minimal' is not a supported thinking level for this model. Allowed values are: low, medium, high",
    );
    for (const thinkingLevel of [ThinkingLevel.LOW, ThinkingLevel.MEDIUM, ThinkingLevel.HIGH]) {
      expect((await think("gemini-3.8-flash", { thinkingLevel })).text).toBe("Hello from the Gemini fake.");
    }
    expect(rejections()).toEqual([400, undefined, undefined, undefined]);
  });

  it.each([
    ["gemini-4-argon", false],
    ["gemini-4-carbon", false],
    ["gemini-4-hydrogen", true],
    ["gemini-4-neon", true],
  ])("%s refuses every thinkingBudget and serves its levels (XHIGH: %s)", async (model, takesXhigh) => {
    for (const thinkingBudget of [-1, 0, 1024]) {
      await expectApiError(think(model, { thinkingBudget }), 400, BUDGET_REFUSED);
    }
    for (const thinkingLevel of [ThinkingLevel.LOW, ThinkingLevel.MEDIUM, ThinkingLevel.HIGH]) {
      await think(model, { thinkingLevel });
    }
    const xhigh = think(model, { thinkingLevel: ThinkingLevel.XHIGH });
    if (takesXhigh) await xhigh;
    else await expectApiError(xhigh, 400, levelRefused("xhigh", "low, medium, high"));
    expect(rejections()).toEqual([
      400,
      400,
      400,
      undefined,
      undefined,
      undefined,
      takesXhigh ? undefined : 400,
    ]);
  });

  it("4 Xenon refuses LOW and more than 32768 output tokens", async () => {
    const model = "gemini-4-xenon";
    await expectApiError(
      think(model, { thinkingLevel: ThinkingLevel.LOW }),
      400,
      levelRefused("low", "medium, high, xhigh"),
    );
    await expectApiError(think(model, { thinkingBudget: 1024 }), 400, BUDGET_REFUSED);
    for (const thinkingLevel of [ThinkingLevel.MEDIUM, ThinkingLevel.HIGH, ThinkingLevel.XHIGH]) {
      await think(model, { thinkingLevel });
    }
    await expectApiError(
      client.models.generateContent({ model, contents: hello, config: { maxOutputTokens: 32_769 } }),
      400,
      "Unable to submit request because it has a maxOutputTokens value of 32769 but the supported range is from 1 (inclusive) to 32769 (exclusive). Update the value and try again.",
    );
    await client.models.generateContent({ model, contents: hello, config: { maxOutputTokens: 32_768 } });
    expect(rejections()).toEqual([400, 400, undefined, undefined, undefined, 400, undefined]);
  });

  it("reports the token limits of 4 Xenon and 3.8 Flash in models.get", async () => {
    expect(await client.models.get({ model: "gemini-4-xenon" })).toMatchObject({
      name: "models/gemini-4-xenon",
      version: "4",
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 32_768,
    });
    expect(await client.models.get({ model: "gemini-3.8-flash" })).toMatchObject({
      name: "models/gemini-3.8-flash",
      version: "3.8",
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
    });
  });

  it("2.5 Flash-Lite refuses a thinkingLevel and serves a budget", async () => {
    await expectApiError(
      think("gemini-2.5-flash-lite", { thinkingLevel: ThinkingLevel.LOW }),
      400,
      "Thinking level is not supported for this model.",
    );
    await think("gemini-2.5-flash-lite", { thinkingBudget: 1024 });
    await think("gemini-2.5-flash-lite", { thinkingBudget: 0 });
    expect(rejections()).toEqual([400, undefined, undefined]);
  });
});
