import { ChatAnthropic } from "@langchain/anthropic";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createPng } from "../e2e/create-png.js";
import type { RecordedRequest } from "../gemini-fake/index.js";
import type { ConformanceTarget } from "./conformance-target.js";

// biome-ignore lint/suspicious/noExplicitAny: recorded Gemini bodies are arbitrary JSON.
type GeminiPart = Record<string, any>;

const PNG_BASE64 = createPng(2, 2, [30, 200, 30]).toString("base64");

function partsOf(request: RecordedRequest | undefined): GeminiPart[] {
  return (request?.body.contents ?? []).flatMap((content: { parts: GeminiPart[] }) => content.parts);
}

const getWeather = tool(async ({ city }: { city: string }) => `${city}: 24 °C, sunny`, {
  name: "get_weather",
  description: "Current weather for a city.",
  schema: z.object({ city: z.string() }),
});

/**
 * LangChain (`@langchain/anthropic` `ChatAnthropic`, with its own `@anthropic-ai/sdk`) as a real
 * client of the host: invoke, stream, a tool loop with parallel calls, structured output (tool
 * calling and JSON schema), images, thinking, errors and abort.
 */
export function defineLangChainCases(target: () => ConformanceTarget): void {
  describe("LangChain (@langchain/anthropic)", () => {
    function chat(
      options: {
        model?: string;
        apiKey?: string;
        thinking?: { type: "enabled"; budget_tokens: number };
      } = {},
    ) {
      const { host, settings, fetch } = target();
      return new ChatAnthropic({
        model: options.model ?? "claude-sonnet-4-6",
        apiKey: options.apiKey ?? settings.proxyApiKey,
        anthropicApiUrl: host.baseUrl,
        maxRetries: 0,
        maxTokens: options.thinking ? 8192 : 1024,
        ...(options.thinking ? { thinking: options.thinking } : {}),
        clientOptions: { fetch, maxRetries: 0 },
      });
    }

    it("invoke: a text answer with usage", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "text", text: "Hello from Gemini." });
      const message = await chat().invoke([new HumanMessage("Say hello.")]);
      expect(message.content).toBe("Hello from Gemini.");
      expect(message.usage_metadata?.input_tokens).toBeGreaterThan(0);
      expect(message.response_metadata.stop_reason).toBe("end_turn");
      expectNoRejection();
      expect(generateRequests()).toHaveLength(1);
    });

    it("stream: several chunks that add up to the answer", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      const answer = "One two three four five six.";
      host.fake.enqueue({ kind: "text", text: answer, chunks: 3 });
      const pieces: string[] = [];
      for await (const chunk of await chat().stream([new HumanMessage("Count.")])) {
        if (typeof chunk.content === "string" && chunk.content !== "") pieces.push(chunk.content);
      }
      expect(pieces.length).toBeGreaterThanOrEqual(2);
      expect(pieces.join("")).toBe(answer);
      expectNoRejection();
      expect(generateRequests()[0]?.action).toBe("streamGenerateContent");
    });

    it.each(["gemini-2.5-flash-lite", "gemini-3-flash-preview"])(
      "runs a tool loop with parallel calls on %s",
      async (model) => {
        const { host, generateRequests, expectNoRejection } = target();
        host.fake.enqueue(
          {
            kind: "tool_calls",
            text: "Checking both.",
            calls: [
              { name: "get_weather", args: { city: "Paris" } },
              { name: "get_weather", args: { city: "Rome" } },
            ],
          },
          { kind: "text", text: "Both are sunny." },
        );
        const model_ = chat({ model }).bindTools([getWeather]);
        const history: BaseMessage[] = [new HumanMessage("Weather in Paris and Rome?")];
        const first = await model_.invoke(history);
        expect(first.tool_calls?.map((call) => call.args)).toEqual([{ city: "Paris" }, { city: "Rome" }]);
        history.push(first);
        for (const call of first.tool_calls ?? []) {
          history.push(
            new ToolMessage({
              tool_call_id: call.id!,
              content: await getWeather.invoke(call.args as { city: string }),
            }),
          );
        }
        const second = await model_.invoke(history);
        expect(second.text).toBe("Both are sunny.");
        // The strict fake rejects a Gemini 3 step whose first call lost its signature.
        expectNoRejection();
        const parts = partsOf(generateRequests()[1]);
        expect(parts.filter((part) => part.functionCall)).toHaveLength(2);
        expect(
          parts.filter((part) => part.functionResponse).map((part) => JSON.stringify(part.functionResponse)),
        ).toEqual([expect.stringContaining("Paris: 24"), expect.stringContaining("Rome: 24")]);
      },
    );

    it("withStructuredOutput (tool calling, LangChain's default): a parsed object", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({
        kind: "tool_calls",
        calls: [{ name: "weather", args: { city: "Bern", celsius: 21 } }],
      });
      const structured = chat().withStructuredOutput(z.object({ city: z.string(), celsius: z.number() }), {
        name: "weather",
      });
      expect(await structured.invoke("Weather in Bern?")).toEqual({ city: "Bern", celsius: 21 });
      expectNoRejection();
      expect(generateRequests()[0]!.body.toolConfig.functionCallingConfig).toEqual({
        mode: "ANY",
        allowedFunctionNames: ["weather"],
      });
    });

    it("withStructuredOutput (jsonSchema): Gemini's JSON mode and a parsed object", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "json", value: { city: "Bern", celsius: 22 } });
      const structured = chat().withStructuredOutput(z.object({ city: z.string(), celsius: z.number() }), {
        method: "jsonSchema",
      });
      expect(await structured.invoke("Weather in Bern?")).toEqual({ city: "Bern", celsius: 22 });
      expectNoRejection();
      expect(generateRequests()[0]!.body.generationConfig.responseMimeType).toBe("application/json");
    });

    it("sends an image given as a data URL as inline data", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue({ kind: "text", text: "A green square." });
      const message = await chat().invoke([
        new HumanMessage({
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
          ],
        }),
      ]);
      expect(message.text).toBe("A green square.");
      expectNoRejection();
      expect(partsOf(generateRequests()[0])).toContainEqual({
        inlineData: { mimeType: "image/png", data: PNG_BASE64 },
      });
    });

    it("returns thinking blocks and echoes them on the next turn", async () => {
      const { host, generateRequests, expectNoRejection } = target();
      host.fake.enqueue(
        { kind: "text", thoughts: "Two and two make four.", text: "4" },
        { kind: "text", text: "8" },
      );
      const model = chat({
        model: "gemini-3-flash-preview",
        thinking: { type: "enabled", budget_tokens: 2048 },
      });
      const first = await model.invoke([new HumanMessage("2 + 2?")]);
      const blocks = first.content as { type: string; thinking?: string }[];
      expect(blocks.find((block) => block.type === "thinking")?.thinking).toBe("Two and two make four.");
      expect(first.text).toBe("4");
      const second = await model.invoke([
        new HumanMessage("2 + 2?"),
        new AIMessage({ content: first.content }),
        new HumanMessage("Double it."),
      ]);
      expect(second.text).toBe("8");
      expectNoRejection();
      // LangChain sent the thinking block back with the answer; the answer reached Gemini's history.
      const modelTurn = generateRequests()[1]!.body.contents[1];
      expect(modelTurn.role).toBe("model");
      expect(JSON.stringify(modelTurn.parts)).toContain('"text":"4"');
    });

    it("surfaces a wrong key as an error with status 401", async () => {
      const { host } = target();
      const failure = await chat({ apiKey: "wrong-key" })
        .invoke([new HumanMessage("Hi")])
        .catch((error: unknown) => error);
      expect((failure as { status?: number }).status).toBe(401);
      expect(host.fake.requests).toHaveLength(0);
    });

    it("surfaces an invalid request as an error with status 400 naming the field", async () => {
      const { host } = target();
      const failure = await chat({ thinking: { type: "enabled", budget_tokens: -5 } })
        .invoke([new HumanMessage("Hi")])
        .catch((error: unknown) => error);
      expect((failure as { status?: number }).status).toBe(400);
      expect(String((failure as Error).message)).toContain("thinking.budget_tokens");
      expect(host.fake.requests).toHaveLength(0);
    });

    it("aborts a stream: the client stops and the upstream call is cancelled", async () => {
      const { host, generateRequests } = target();
      host.fake.enqueue({ kind: "stall", afterChunks: 1 });
      const controller = new AbortController();
      const pieces: string[] = [];
      const failure = await (async () => {
        for await (const chunk of await chat().stream([new HumanMessage("Tell a long story.")], {
          signal: controller.signal,
        })) {
          if (typeof chunk.content === "string" && chunk.content !== "") {
            pieces.push(chunk.content);
            controller.abort();
          }
        }
      })().catch((error: unknown) => error);
      expect(pieces.length).toBeGreaterThan(0);
      expect(failure).toBeInstanceOf(Error);
      if (host.clientAbortNoticed === "next-write") {
        // The upstream call is cancelled at the host's next write (see the host file), not now.
        expect(generateRequests()).toHaveLength(1);
      } else {
        await expect.poll(() => generateRequests()[0]?.aborted, { timeout: 5000 }).toBe(true);
      }
    });
  });
}
