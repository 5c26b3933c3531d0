import { createAnthropic } from "@ai-sdk/anthropic";
import { resolveModel } from "@claude-gemini/core";
import { APICallError, generateText, isStepCount, Output, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createPng } from "../e2e/create-png.js";
import type { RecordedRequest } from "../gemini-fake/index.js";
import type { ConformanceTarget } from "./conformance-target.js";

const PNG_BASE64 = createPng(2, 2, [200, 30, 30]).toString("base64");

// biome-ignore lint/suspicious/noExplicitAny: recorded Gemini bodies are arbitrary JSON.
type GeminiPart = Record<string, any>;

const weatherSchema = z.object({ city: z.string(), celsius: z.number() });

function partsOf(request: RecordedRequest | undefined): GeminiPart[] {
  return (request?.body.contents ?? []).flatMap((content: { parts: GeminiPart[] }) => content.parts);
}

/**
 * The Vercel AI SDK (`ai` + `@ai-sdk/anthropic`) as a real client of the host: text, streams,
 * multi-step and parallel tools, structured output with and without tools, images, thinking,
 * Anthropic-defined client tools, errors and abort. Every case also checks what reached the
 * strict Gemini fake.
 */
export function defineAiSdkCases(target: () => ConformanceTarget): void {
  describe("Vercel AI SDK (ai + @ai-sdk/anthropic)", () => {
    function provider(apiKey?: string) {
      const { host, settings, fetch } = target();
      return createAnthropic({
        baseURL: `${host.baseUrl}/v1`,
        apiKey: apiKey ?? settings.proxyApiKey,
        fetch,
      });
    }

    it("generateText: a text answer with usage", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "text", text: "Hello from Gemini." });
      const result = await generateText({
        model: provider()("claude-sonnet-4-6"),
        system: "Be brief.",
        prompt: "Say hello.",
        maxRetries: 0,
      });
      expect(result.text).toBe("Hello from Gemini.");
      expect(result.finishReason).toBe("stop");
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expectNoRejection();
      expect(generateRequests()).toHaveLength(1);
      expect(JSON.stringify(generateRequests()[0]!.body.systemInstruction)).toContain("Be brief.");
    });

    it("streamText: several text deltas, then the finish reason", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      const answer = "One two three four five six.";
      host.fake.enqueue({ kind: "text", text: answer, chunks: 3 });
      const result = streamText({
        model: provider()("claude-sonnet-4-6"),
        prompt: "Count.",
        maxRetries: 0,
      });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.length).toBeGreaterThanOrEqual(2);
      expect(deltas.join("")).toBe(answer);
      expect(await result.finishReason).toBe("stop");
      expectNoRejection();
      expect(generateRequests()[0]?.action).toBe("streamGenerateContent");
    });

    it.each([
      { model: "gemini-2.5-flash-lite", stream: false },
      { model: "gemini-3-flash-preview", stream: false },
      { model: "gemini-3-flash-preview", stream: true },
    ])("runs a multi-step tool loop on $model (stream: $stream)", async ({ model, stream }) => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue(
        { kind: "tool_calls", text: "Checking.", calls: [{ name: "get_weather", args: { city: "Paris" } }] },
        { kind: "text", text: "It is sunny in Paris." },
      );
      const seen: unknown[] = [];
      const options = {
        model: provider()(model),
        prompt: "Weather in Paris?",
        maxRetries: 0,
        stopWhen: isStepCount(3),
        tools: {
          get_weather: tool({
            description: "Current weather for a city.",
            inputSchema: z.object({ city: z.string() }),
            execute: async (input: { city: string }) => {
              seen.push(input);
              return { condition: "sunny", celsius: 24 };
            },
          }),
        },
      };
      const text = stream ? await streamText(options).text : (await generateText(options)).text;
      expect(text).toContain("It is sunny in Paris.");
      expect(seen).toEqual([{ city: "Paris" }]);
      // The strict fake rejects a Gemini 3 step whose call lost its signature: the SDK echoed it.
      expectNoRejection();
      const [, second] = generateRequests();
      const parts = partsOf(second);
      expect(parts.find((part) => part.functionCall)?.functionCall).toMatchObject({
        name: "get_weather",
        args: { city: "Paris" },
      });
      expect(JSON.stringify(parts.find((part) => part.functionResponse))).toContain("sunny");
      if (model.startsWith("gemini-3")) {
        expect(parts.find((part) => part.functionCall)?.thoughtSignature).not.toBe(
          "skip_thought_signature_validator",
        );
      }
    });

    it("runs parallel tool calls and sends both results back in one turn", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue(
        {
          kind: "tool_calls",
          calls: [
            { name: "get_weather", args: { city: "Paris" } },
            { name: "get_weather", args: { city: "Rome" } },
          ],
        },
        { kind: "text", text: "Both are warm." },
      );
      const cities: string[] = [];
      const result = await generateText({
        model: provider()("gemini-3-flash-preview"),
        prompt: "Weather in Paris and Rome?",
        maxRetries: 0,
        stopWhen: isStepCount(3),
        tools: {
          get_weather: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }: { city: string }) => {
              cities.push(city);
              return `${city}: 25 °C`;
            },
          }),
        },
      });
      expect(result.text).toBe("Both are warm.");
      expect(cities.sort()).toEqual(["Paris", "Rome"]);
      expectNoRejection();
      const responses = partsOf(generateRequests()[1]).filter((part) => part.functionResponse);
      expect(responses.map((part) => JSON.stringify(part.functionResponse.response))).toEqual([
        expect.stringContaining("Paris"),
        expect.stringContaining("Rome"),
      ]);
    });

    it("Output.object without tools: JSON mode upstream, a typed object back", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "json", value: { city: "Bern", celsius: 21 } });
      const result = await generateText({
        model: provider()("claude-sonnet-4-6"),
        prompt: "Weather in Bern as JSON.",
        maxRetries: 0,
        output: Output.object({ schema: weatherSchema }),
      });
      expect(result.output).toEqual({ city: "Bern", celsius: 21 });
      expectNoRejection();
      expect(generateRequests()[0]!.body.generationConfig.responseMimeType).toBe("application/json");
    });

    it("Output.object with tools on a model that cannot mix them (Haiku name → Gemini 2.5 Flash-Lite): final_answer carries the JSON", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue(
        { kind: "tool_calls", calls: [{ name: "get_weather", args: { city: "Bern" } }] },
        { kind: "tool_calls", calls: [{ name: "final_answer", args: { city: "Bern", celsius: 19 } }] },
      );
      const result = await generateText({
        model: provider()("claude-haiku-4-5"),
        prompt: "Look up the weather in Bern and answer as JSON.",
        maxRetries: 0,
        stopWhen: isStepCount(4),
        output: Output.object({ schema: weatherSchema }),
        tools: {
          get_weather: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async () => ({ celsius: 19 }),
          }),
        },
      });
      expect(result.output).toEqual({ city: "Bern", celsius: 19 });
      expectNoRejection();
      const upstream = generateRequests();
      expect(upstream).toHaveLength(2);
      expect(upstream[0]!.model).toBe("gemini-2.5-flash-lite");
      expect(upstream[0]!.body.generationConfig?.responseMimeType).toBeUndefined();
      expect(upstream[0]!.body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
      const names = upstream[0]!.body.tools[0].functionDeclarations.map(
        (declaration: { name: string }) => declaration.name,
      );
      expect(names).toEqual(["get_weather", "final_answer"]);
    });

    it("Output.object with tools on Gemini 3: JSON mode next to the functions", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue(
        { kind: "tool_calls", calls: [{ name: "get_weather", args: { city: "Bern" } }] },
        { kind: "json", value: { city: "Bern", celsius: 18 } },
      );
      const result = await generateText({
        model: provider()("gemini-3-flash-preview"),
        prompt: "Look up the weather in Bern and answer as JSON.",
        maxRetries: 0,
        stopWhen: isStepCount(4),
        // A non-Claude id: ask the provider for Anthropic's native output format, not its JSON tool.
        providerOptions: { anthropic: { structuredOutputMode: "outputFormat" } },
        output: Output.object({ schema: weatherSchema }),
        tools: {
          get_weather: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async () => ({ celsius: 18 }),
          }),
        },
      });
      expect(result.output).toEqual({ city: "Bern", celsius: 18 });
      expectNoRejection();
      expect(generateRequests()[1]!.body.generationConfig.responseMimeType).toBe("application/json");
    });

    it("sends an image as inline data", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "text", text: "A red pixel." });
      const result = await generateText({
        model: provider()("claude-sonnet-4-6"),
        maxRetries: 0,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "file", mediaType: "image/png", data: PNG_BASE64 },
            ],
          },
        ],
      });
      expect(result.text).toBe("A red pixel.");
      expectNoRejection();
      expect(partsOf(generateRequests()[0])).toContainEqual({
        inlineData: { mimeType: "image/png", data: PNG_BASE64 },
      });
    });

    it("returns thinking as reasoning text", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "text", thoughts: "Two and two make four.", text: "4" });
      const result = await generateText({
        model: provider()("claude-sonnet-4-6"),
        prompt: "2 + 2?",
        maxRetries: 0,
        maxOutputTokens: 8192,
        providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: 2048 } } },
      });
      expect(result.text).toBe("4");
      expect(result.reasoningText).toBe("Two and two make four.");
      expectNoRejection();
      // Sonnet names go to Gemini 3.8 Flash, which takes levels: 2048 tokens is LOW.
      expect(generateRequests()[0]!.body.generationConfig.thinkingConfig).toMatchObject({
        thinkingLevel: "LOW",
        includeThoughts: true,
      });
    });

    it("runs Anthropic's bash and text editor tools as functions and maps the calls back by name", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      const anthropic = provider();
      host.fake.enqueue(
        {
          kind: "tool_calls",
          calls: [
            { name: "bash", args: { command: "ls" } },
            {
              name: "str_replace_based_edit_tool",
              args: { command: "str_replace", path: "/src/a.ts", old_str: "foo", new_str: "bar" },
            },
          ],
        },
        { kind: "text", text: "Renamed foo to bar." },
      );
      const bashCalls: unknown[] = [];
      const editorCalls: unknown[] = [];
      const result = await generateText({
        model: anthropic("claude-sonnet-4-6"),
        prompt: "Rename foo to bar in /src/a.ts.",
        maxRetries: 0,
        stopWhen: isStepCount(3),
        tools: {
          bash: anthropic.tools.bash_20250124({
            execute: async (input) => {
              bashCalls.push(input);
              return "a.ts";
            },
          }),
          str_replace_based_edit_tool: anthropic.tools.textEditor_20250728({
            execute: async (input) => {
              editorCalls.push(input);
              return "Done.";
            },
          }),
        },
      });
      expect(result.text).toBe("Renamed foo to bar.");
      expect(bashCalls).toEqual([{ command: "ls" }]);
      expect(editorCalls).toEqual([
        expect.objectContaining({
          command: "str_replace",
          path: "/src/a.ts",
          old_str: "foo",
          new_str: "bar",
        }),
      ]);
      expectNoRejection();
      const [first] = generateRequests();
      const declarations = first!.body.tools[0].functionDeclarations;
      expect(declarations.map((declaration: { name: string }) => declaration.name)).toEqual([
        "bash",
        "str_replace_based_edit_tool",
      ]);
      expect(declarations[1].parametersJsonSchema.required).toEqual(["command", "path"]);
      expect(first!.rejection).toBeUndefined();
    });

    it("searches the web next to a function: combined where the model can, else reported in the header", async () => {
      const { host, generateRequests, expectNoRejection, responseHeaders } = target();
      const combines =
        resolveModel("gemini-3-flash-preview").capabilities.supportsServerSideToolInvocations === true;
      const anthropic = provider();
      host.fake.enqueue(
        {
          kind: "tool_calls",
          serverTools: [
            {
              toolType: "GOOGLE_SEARCH_WEB",
              args: { queries: ["northernmost US city"] },
              response: { search_suggestions: "<div>Utqiagvik</div>" },
            },
          ],
          calls: [{ name: "get_weather", args: { city: "Utqiagvik" } }],
        },
        { kind: "text", text: "Utqiagvik, -30 °C." },
      );
      const result = await generateText({
        model: anthropic("gemini-3-flash-preview"),
        prompt: "Weather in the northernmost US city?",
        maxRetries: 0,
        stopWhen: isStepCount(3),
        tools: {
          web_search: anthropic.tools.webSearch_20250305({ maxUses: 2 }),
          get_weather: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async () => "-30 °C",
          }),
        },
      });
      expect(result.text).toBe("Utqiagvik, -30 °C.");
      expectNoRejection();
      const [first, second] = generateRequests();
      if (combines) {
        expect(first!.body.toolConfig).toMatchObject({ includeServerSideToolInvocations: true });
        // The fake accepts the second request only with the parts echoed exactly as it sent them.
        expect(partsOf(second).filter((part) => part.toolCall || part.toolResponse)).toHaveLength(2);
        expect(responseHeaders().at(0)?.get("x-claude-gemini-warnings")).toBeNull();
      } else {
        expect(JSON.stringify(first!.body.tools)).not.toContain("googleSearch");
        expect(responseHeaders().at(0)?.get("x-claude-gemini-warnings")).toBe("web_search");
      }
    });

    it("surfaces a wrong key as an APICallError with status 401", async () => {
      const { host } = target();
      const failure = await generateText({
        model: provider("wrong-key")("claude-sonnet-4-6"),
        prompt: "Hi",
        maxRetries: 0,
      }).catch((error: unknown) => error);
      expect(APICallError.isInstance(failure)).toBe(true);
      expect((failure as APICallError).statusCode).toBe(401);
      expect(host.fake.requests).toHaveLength(0);
    });

    it("surfaces a Gemini 429 as an APICallError with status 429 and retry-after", async () => {
      const { host } = target();
      host.fake.enqueue({
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Quota exceeded.",
        retryDelay: "120s",
      });
      const failure = await generateText({
        model: provider()("claude-sonnet-4-6"),
        prompt: "Hi",
        maxRetries: 0,
      }).catch((error: unknown) => error);
      expect(APICallError.isInstance(failure)).toBe(true);
      expect((failure as APICallError).statusCode).toBe(429);
      expect((failure as APICallError).responseHeaders?.["retry-after"]).toBe("120");
    });

    it("aborts a stream: the client stops and the upstream call is cancelled", async () => {
      const { host, generateRequests } = target();
      host.fake.enqueue({ kind: "stall", afterChunks: 1 });
      const controller = new AbortController();
      const result = streamText({
        model: provider()("claude-sonnet-4-6"),
        prompt: "Tell a long story.",
        maxRetries: 0,
        abortSignal: controller.signal,
      });
      const deltas: string[] = [];
      const consumed = (async () => {
        for await (const delta of result.textStream) {
          deltas.push(delta);
          controller.abort();
        }
      })();
      await consumed.catch(() => undefined);
      expect(deltas.length).toBeGreaterThan(0);
      if (host.clientAbortNoticed === "next-write") {
        // The upstream call is cancelled at the host's next write (see the host file), not now.
        expect(generateRequests()).toHaveLength(1);
      } else {
        await expect.poll(() => generateRequests()[0]?.aborted, { timeout: 5000 }).toBe(true);
      }
    });
  });
}
