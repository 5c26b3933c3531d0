import Anthropic, { type APIError, type InternalServerError, type RateLimitError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, SIGNATURE_PLACEHOLDER, startGeminiFake } from "../gemini-fake/index.js";
import type { ConformanceTarget } from "./conformance-target.js";
import {
  CONFORMANCE_GEMINI_API_KEY,
  type ConformanceSettings,
  createConformanceSettings,
} from "./create-conformance-settings.js";
import { defineAiSdkCases } from "./define-ai-sdk-cases.js";
import { defineLangChainCases } from "./define-langchain-cases.js";

/** A running host under test, as the cases see it. */
export interface ConformanceHost {
  name: string;
  /** What the SDK gets as `baseURL`, e.g. `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** The Gemini fake this host talks to (in this process, whatever process the host runs in). */
  fake: GeminiFake;
  /** A fetch that reaches the host without a socket (the bare fetch handler); default: the global one. */
  fetch?: typeof fetch;
  /**
   * `"next-write"`: the host learns that a client went away only when it next writes to it (the
   * next ping), so a client's abort reaches Gemini late. Default: at once.
   */
  clientAbortNoticed?: "at-once" | "next-write";
  close(): Promise<void>;
}

/** What a host file starts: everything but the fake, which the suite owns. */
export type StartHost = (settings: ConformanceSettings) => Promise<{
  baseUrl: string;
  fetch?: typeof fetch;
  clientAbortNoticed?: ConformanceHost["clientAbortNoticed"];
  close(): Promise<void>;
}>;

type Fetch = NonNullable<ConstructorParameters<typeof Anthropic>[0]>["fetch"];

const REQUEST_ID = /^req_\w+$/;

// A Sonnet name the SDK does not warn about as deprecated; the handler maps it by family.
const CLAUDE_MODEL = "claude-sonnet-4-6";

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city.",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string", description: "City name" } },
    required: ["city"],
    additionalProperties: false,
  },
};

// biome-ignore lint/suspicious/noExplicitAny: recorded Gemini bodies are arbitrary JSON.
type GeminiPart = Record<string, any>;

/**
 * Registers the one HTTP conformance suite for a host: the official Anthropic SDK talks to the
 * host, the host talks to the strict Gemini fake started here, and every case asserts both on
 * what the client saw and on what reached Gemini. Each host file calls this once.
 *
 * @example
 * defineConformanceCases("node-http", async (settings) => { … return { baseUrl, close }; });
 */
export function defineConformanceCases(name: string, startHost: StartHost): void {
  describe(`conformance: ${name}`, () => {
    let host: ConformanceHost;
    let settings: ConformanceSettings;
    /** URLs the client requested, in order, whatever fetch carried them. */
    const requestedUrls: string[] = [];
    /** Response headers of every call through the target's fetch, in order. */
    const responseHeaders: Headers[] = [];

    beforeAll(async () => {
      const fake = await startGeminiFake({ apiKey: CONFORMANCE_GEMINI_API_KEY });
      settings = createConformanceSettings(fake.url);
      try {
        const started = await startHost(settings);
        host = { name, fake, ...started };
      } catch (error) {
        await fake.close();
        throw error;
      }
    }, 60_000);

    afterAll(async () => {
      await host?.close();
      await host?.fake.close();
    }, 20_000);

    beforeEach(() => {
      host.fake.reset();
      requestedUrls.length = 0;
      responseHeaders.length = 0;
    });

    function createClient(apiKey = settings.proxyApiKey): Anthropic {
      const baseFetch: Fetch = host.fetch ?? globalThis.fetch;
      const recordingFetch: Fetch = (url, init) => {
        requestedUrls.push(String(url));
        return baseFetch(url, init);
      };
      return new Anthropic({ apiKey, baseURL: host.baseUrl, maxRetries: 0, fetch: recordingFetch });
    }

    function generateRequests() {
      return host.fake.requests.filter(
        (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
      );
    }

    /** Every upstream call but the model metadata reads a host makes in the background. */
    function callsBeyondMetadata() {
      return host.fake.requests.filter((request) => request.action !== "get");
    }

    function expectNoRejection() {
      for (const request of host.fake.requests) expect(request.rejection, request.path).toBeUndefined();
    }

    // The other clients run the same host and fake: they get them through this target.
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await (host.fetch ?? globalThis.fetch)(input, init);
      responseHeaders.push(response.headers);
      return response;
    };
    const target = (): ConformanceTarget => ({
      host,
      settings,
      fetch: recordingFetch,
      responseHeaders: () => responseHeaders,
      generateRequests,
      expectNoRejection,
    });
    defineAiSdkCases(target);
    defineLangChainCases(target);

    it("answers messages.create with text and sends the prompt and key to Gemini", async () => {
      host.fake.enqueue({ kind: "text", text: "Hello from the conformance suite." });
      const message = await createClient().messages.create({
        model: CLAUDE_MODEL,
        max_tokens: 512,
        system: "You are terse.",
        messages: [{ role: "user", content: "Say hello." }],
      });
      expect(message).toMatchObject({
        type: "message",
        role: "assistant",
        model: CLAUDE_MODEL,
        stop_reason: "end_turn",
        content: [{ type: "text", text: "Hello from the conformance suite." }],
      });
      expect(message.id).toMatch(/^msg_/);
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);

      expectNoRejection();
      const [upstream] = generateRequests();
      expect(generateRequests()).toHaveLength(1);
      // Sonnet names go to the built-in Sonnet model.
      expect(upstream).toMatchObject({
        action: "generateContent",
        apiVersion: "v1beta",
        model: "gemini-3.8-flash",
      });
      expect(upstream!.headers["x-goog-api-key"]).toBe(settings.geminiApiKey);
      expect(upstream!.body.contents).toEqual([{ role: "user", parts: [{ text: "Say hello." }] }]);
      expect(JSON.stringify(upstream!.body.systemInstruction)).toContain("You are terse.");
    });

    it("streams with messages.stream: text events, then the final message", async () => {
      const answer = "One two three four five six seven eight.";
      host.fake.enqueue({ kind: "text", text: answer, chunks: 3 });
      const deltas: string[] = [];
      const stream = createClient()
        .messages.stream({
          model: CLAUDE_MODEL,
          max_tokens: 512,
          messages: [{ role: "user", content: "Count to eight." }],
        })
        .on("text", (delta) => deltas.push(delta));
      const message = await stream.finalMessage();
      expect(deltas.length).toBeGreaterThanOrEqual(2);
      expect(deltas.join("")).toBe(answer);
      expect(message.content).toEqual([{ type: "text", text: answer }]);
      expect(message.stop_reason).toBe("end_turn");

      expectNoRejection();
      expect(generateRequests()).toHaveLength(1);
      expect(generateRequests()[0]).toMatchObject({
        action: "streamGenerateContent",
        query: { alt: "sse" },
      });
    });

    it.each([
      { model: "gemini-2.5-flash-lite", stream: false },
      { model: "gemini-2.5-flash-lite", stream: true },
      { model: "gemini-3.8-flash", stream: false },
      { model: "gemini-3.8-flash", stream: true },
      { model: "gemini-4-hydrogen", stream: false },
      { model: "gemini-4-hydrogen", stream: true },
    ])(
      "round-trips tool_use → tool_result → answer on $model (stream: $stream)",
      async ({ model, stream }) => {
        const client = createClient();
        const send = (messages: Anthropic.MessageParam[]) => {
          const body = { model, max_tokens: 1024, tools: [WEATHER_TOOL], messages };
          return stream ? client.messages.stream(body).finalMessage() : client.messages.create(body);
        };
        const question: Anthropic.MessageParam = { role: "user", content: "What is the weather in Paris?" };

        host.fake.enqueue({
          kind: "tool_calls",
          text: "Let me check.",
          calls: [{ name: "get_weather", args: { city: "Paris" } }],
        });
        const first = await send([question]);
        expect(first.stop_reason).toBe("tool_use");
        const toolUse = first.content.find((block) => block.type === "tool_use");
        expect(toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "Paris" } });
        expect(toolUse!.id).toMatch(/^toolu_/);

        host.fake.enqueue({ kind: "text", text: "It is sunny in Paris." });
        const second = await send([
          question,
          // The client echoes the assistant turn verbatim: that is how the signature comes back.
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: toolUse!.id, content: "Sunny, 24 °C" }],
          },
        ]);
        expect(second.stop_reason).toBe("end_turn");
        expect(second.content.filter((block) => block.type === "text")).toEqual([
          { type: "text", text: "It is sunny in Paris." },
        ]);
        // Anything else is a thinking block carrying a Gemini signature for the next turn.
        for (const block of second.content.filter((block) => block.type !== "text")) {
          expect(block.type).toBe("thinking");
        }

        // The strict fake rejects a Gemini 3 call turn with a lost or invented signature.
        expectNoRejection();
        const upstream = generateRequests();
        expect(upstream).toHaveLength(2);
        expect(upstream[0]!.model).toBe(model);
        const parts: GeminiPart[] = upstream[1]!.body.contents.flatMap(
          (content: { parts: GeminiPart[] }) => content.parts,
        );
        const callPart = parts.find((part) => part.functionCall);
        const responsePart = parts.find((part) => part.functionResponse);
        expect(callPart?.functionCall).toMatchObject({ name: "get_weather", args: { city: "Paris" } });
        expect(responsePart?.functionResponse.name).toBe("get_weather");
        expect(JSON.stringify(responsePart?.functionResponse.response)).toContain("Sunny, 24 °C");
        if (!model.startsWith("gemini-2")) {
          // A real signature issued by the fake, not the validator-skipping placeholder.
          expect(callPart?.thoughtSignature).toEqual(expect.any(String));
          expect(callPart?.thoughtSignature).not.toBe(SIGNATURE_PLACEHOLDER);
        }
      },
    );

    it("turns thinking budget_tokens into the nearest level (or a budget) and returns a thinking block", async () => {
      host.fake.enqueue({
        kind: "text",
        thoughts: "Two plus two makes four.",
        text: "The answer is 4.",
        chunks: 2,
      });
      const thinkingDeltas: string[] = [];
      const message = await createClient()
        .messages.stream({
          model: CLAUDE_MODEL,
          max_tokens: 8192,
          thinking: { type: "enabled", budget_tokens: 2048 },
          messages: [{ role: "user", content: "What is 2 + 2?" }],
        })
        .on("thinking", (delta) => thinkingDeltas.push(delta))
        .finalMessage();
      expect(message.content[0]).toMatchObject({ type: "thinking", thinking: "Two plus two makes four." });
      expect(message.content.at(-1)).toEqual({ type: "text", text: "The answer is 4." });
      expect(thinkingDeltas.join("")).toBe("Two plus two makes four.");

      expectNoRejection();
      // Sonnet names go to Gemini 3.8 Flash, which takes levels: 2048 tokens is LOW.
      expect(generateRequests()[0]!.body.generationConfig.thinkingConfig).toEqual({
        thinkingLevel: "LOW",
        includeThoughts: true,
      });
      // A budget model takes the budget itself.
      host.fake.enqueue({ kind: "text", thoughts: "Four.", text: "4" });
      await createClient().messages.create({
        model: "gemini-2.5-flash-lite",
        max_tokens: 8192,
        thinking: { type: "enabled", budget_tokens: 2048 },
        messages: [{ role: "user", content: "What is 2 + 2?" }],
      });
      expectNoRejection();
      expect(generateRequests()[1]!.body.generationConfig.thinkingConfig).toEqual({
        thinkingBudget: 2048,
        includeThoughts: true,
      });
    });

    it("counts tokens with Gemini's countTokens, system and tools included", async () => {
      const { data, response } = await createClient()
        .messages.countTokens({
          model: CLAUDE_MODEL,
          system: "You are a weather assistant.",
          tools: [WEATHER_TOOL],
          messages: [{ role: "user", content: "What is the weather in Paris today?" }],
        })
        .withResponse();
      expect(Number.isInteger(data.input_tokens)).toBe(true);
      expect(data.input_tokens).toBeGreaterThan(0);
      // Absent when the count is Gemini's, present when the handler fell back to its estimate.
      expect(response.headers.get("x-claude-gemini-token-estimate")).toBeNull();

      expectNoRejection();
      expect(callsBeyondMetadata().map((request) => request.action)).toEqual(["countTokens"]);
      const upstreamBody = JSON.stringify(callsBeyondMetadata()[0]!.body);
      expect(upstreamBody).toContain("You are a weather assistant.");
      expect(upstreamBody).toContain("get_weather");
    });

    it("lists models without calling Gemini", async () => {
      const page = await createClient().models.list();
      const ids = page.data.map((model) => model.id);
      expect(ids).toEqual(
        expect.arrayContaining(["claude-sonnet-5-5", "claude-haiku-4-5", "gemini-3.8-flash"]),
      );
      for (const model of page.data) {
        expect(model).toMatchObject({
          type: "model",
          id: expect.any(String),
          display_name: expect.any(String),
          max_input_tokens: expect.any(Number),
          max_tokens: expect.any(Number),
          capabilities: { thinking: { supported: true }, structured_outputs: { supported: true } },
        });
      }
      const flash = await createClient().models.retrieve("gemini-3.8-flash");
      expect(flash).toMatchObject({
        id: "gemini-3.8-flash",
        max_input_tokens: 1_048_576,
        max_tokens: 65_536,
      });
      expect(callsBeyondMetadata()).toHaveLength(0);
    });

    it("rejects a wrong proxy key with AuthenticationError before calling Gemini", async () => {
      const failure = await createClient("not-the-proxy-key")
        .messages.create({
          model: CLAUDE_MODEL,
          max_tokens: 64,
          messages: [{ role: "user", content: "Hi" }],
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((failure as APIError).status).toBe(401);
      expect((failure as APIError).type).toBe("authentication_error");
      expect(callsBeyondMetadata()).toHaveLength(0);
    });

    it("passes a long Gemini RetryInfo on a 429 to the client as RateLimitError with retry-after", async () => {
      host.fake.enqueue({
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Resource has been exhausted (e.g. check quota).",
        retryDelay: "120s",
      });
      const failure = await createClient()
        .messages.create({
          model: CLAUDE_MODEL,
          max_tokens: 64,
          messages: [{ role: "user", content: "Hi" }],
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.RateLimitError);
      const error = failure as RateLimitError;
      expect(error.type).toBe("rate_limit_error");
      expect(error.headers.get("retry-after")).toBe("120");
      expect(error.requestID).toMatch(REQUEST_ID);
      // A wait longer than the retry budget is the client's to do: exactly one upstream call.
      expect(generateRequests()).toHaveLength(1);
    });

    it("rejects an invalid body with BadRequestError naming the field", async () => {
      const failure = await createClient()
        .messages.create({
          model: CLAUDE_MODEL,
          max_tokens: "plenty" as unknown as number,
          messages: [{ role: "user", content: "Hi" }],
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
      const error = failure as APIError;
      expect(error.type).toBe("invalid_request_error");
      expect(error.message).toContain("max_tokens");
      expect(callsBeyondMetadata()).toHaveLength(0);
    });

    it("answers a 503 that survives the retries with an overloaded InternalServerError", async () => {
      const overloaded = {
        kind: "error",
        status: 503,
        geminiStatus: "UNAVAILABLE",
        message: "The model is overloaded. Please try again later.",
      } as const;
      host.fake.enqueue(overloaded, overloaded, overloaded);
      const failure = await createClient()
        .messages.create({
          model: CLAUDE_MODEL,
          max_tokens: 64,
          messages: [{ role: "user", content: "Hi" }],
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
      const error = failure as InternalServerError;
      expect(error.status).toBe(529);
      expect(error.type).toBe("overloaded_error");
      // The handler retried once (two attempts configured), then gave up.
      expect(generateRequests()).toHaveLength(2);
    });

    it("surfaces an upstream error in the middle of a stream as an APIError in messages.stream", async () => {
      host.fake.enqueue({
        kind: "error_chunk",
        afterChunks: 2,
        geminiStatus: "INTERNAL",
        message: "An internal error has occurred.",
      });
      const deltas: string[] = [];
      const errors: unknown[] = [];
      const stream = createClient()
        .messages.stream({
          model: CLAUDE_MODEL,
          max_tokens: 512,
          messages: [{ role: "user", content: "Tell me a story." }],
        })
        .on("text", (delta) => deltas.push(delta))
        .on("error", (error) => errors.push(error));
      const failure = await stream.finalMessage().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect((failure as APIError).type).toEqual(expect.stringMatching(/_error$/));
      expect(errors).toHaveLength(1);
      // The part that arrived before the failure reached the client.
      expect(deltas.join("").length).toBeGreaterThan(0);
      expect(generateRequests()).toHaveLength(1);
    });

    it("accepts the ?beta=true query and anthropic-beta header Claude Code sends", async () => {
      host.fake.enqueue({ kind: "text", text: "Beta route works." });
      // SDK 1.x no longer adds the query itself; Claude Code does, so the test asks for it.
      const message = await createClient().beta.messages.create(
        {
          model: CLAUDE_MODEL,
          max_tokens: 64,
          betas: ["interleaved-thinking-2025-05-14", "claude-code-20250219"],
          messages: [{ role: "user", content: "Hi" }],
        },
        { query: { beta: "true" } },
      );
      expect(requestedUrls).toHaveLength(1);
      expect(new URL(requestedUrls[0]!).search).toBe("?beta=true");
      expect(message.content).toEqual([{ type: "text", text: "Beta route works." }]);
      expectNoRejection();
      expect(generateRequests()).toHaveLength(1);
    });

    it("sends a request-id header on answers and on errors", async () => {
      host.fake.enqueue({ kind: "text", text: "With an id." });
      const { data, response, request_id } = await createClient()
        .messages.create({
          model: CLAUDE_MODEL,
          max_tokens: 64,
          messages: [{ role: "user", content: "Hi" }],
        })
        .withResponse();
      expect(response.headers.get("request-id")).toMatch(REQUEST_ID);
      expect(request_id).toBe(response.headers.get("request-id"));
      expect(data.id).toMatch(/^msg_/);

      const failure = await createClient("wrong-key")
        .models.list()
        .catch((error: unknown) => error);
      expect((failure as APIError).requestID).toMatch(REQUEST_ID);
      expect((failure as APIError).requestID).not.toBe(request_id);
    });
  });
}
