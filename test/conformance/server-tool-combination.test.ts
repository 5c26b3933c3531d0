import { createAnthropic } from "@ai-sdk/anthropic";
import Anthropic from "@anthropic-ai/sdk";
import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { generateText, isStepCount, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeServerTool, type GeminiFake, startGeminiFake } from "../gemini-fake/index.js";

// Built-in tools next to functions on a model whose capabilities say it runs both (Gemini 3 on
// the Gemini API), with real clients: the bare fetch handler, configured with that capability,
// in front of the strict fake, which accepts a follow-up request only when every server-side
// tool part comes back exactly as it sent it.

const KEY = "combination-key";
const MODEL = "gemini-3-flash-preview";
const models = { capabilities: { "gemini-3-flash": { supportsServerSideToolInvocations: true } } };

const search: FakeServerTool = {
  toolType: "GOOGLE_SEARCH_WEB",
  args: { queries: ["northernmost city in the United States"] },
  response: { search_suggestions: "<div>Utqiagvik</div>" },
};

let fake: GeminiFake;
let handler: (request: Request) => Promise<Response>;
const headers: Headers[] = [];
const handlerFetch: typeof fetch = async (input, init) => {
  const response = await handler(new Request(input, init));
  headers.push(response.headers);
  return response;
};

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: KEY });
  handler = createFetchHandler({ apiKey: KEY, baseUrl: fake.url, models, retry: { maxAttempts: 1 } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  headers.length = 0;
});

function expectAccepted() {
  for (const request of fake.requests) expect(request.rejection, request.path).toBeUndefined();
}

// biome-ignore lint/suspicious/noExplicitAny: recorded Gemini bodies are arbitrary JSON.
const partKinds = (content: { parts: Record<string, any>[] }) =>
  content.parts.map((part) =>
    Object.keys(part)
      .filter((key) => key !== "thoughtSignature")
      .join("+"),
  );

describe("web search next to functions on a model that combines them", () => {
  it.each([false, true])("official SDK: search, call, result, answer (stream: %s)", async (stream) => {
    const client = new Anthropic({
      apiKey: "unused",
      baseURL: "http://localhost",
      maxRetries: 0,
      fetch: handlerFetch,
    });
    const tools: Anthropic.ToolUnion[] = [
      { type: "web_search_20250305", name: "web_search" },
      {
        name: "get_weather",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    const send = (messages: Anthropic.MessageParam[]) => {
      const body = { model: MODEL, max_tokens: 1024, tools, messages };
      return stream ? client.messages.stream(body).finalMessage() : client.messages.create(body);
    };
    const question: Anthropic.MessageParam = {
      role: "user",
      content: "Weather in the northernmost US city?",
    };
    fake.enqueue({
      kind: "tool_calls",
      serverTools: [search],
      calls: [{ name: "get_weather", args: { city: "Utqiagvik" } }],
    });
    const first = await send([question]);
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    expect(toolUse).toMatchObject({ name: "get_weather", input: { city: "Utqiagvik" } });
    expect(headers[0]?.get("x-claude-gemini-warnings")).toBeNull();

    fake.enqueue({ kind: "text", text: "Utqiagvik: -30 °C." });
    const second = await send([
      question,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "-30 °C" }] },
    ]);
    expect(second.content.filter((block) => block.type === "text").map((block) => block.text)).toEqual([
      "Utqiagvik: -30 °C.",
    ]);
    expectAccepted();
    const [firstUpstream, secondUpstream] = fake.requests.filter((request) => request.action !== "get");
    expect(firstUpstream!.body.tools).toEqual([
      { functionDeclarations: [expect.objectContaining({ name: "get_weather" })] },
      { googleSearch: {} },
    ]);
    expect(firstUpstream!.body.toolConfig).toEqual({ includeServerSideToolInvocations: true });
    expect(partKinds(secondUpstream!.body.contents[1])).toEqual(["toolCall", "toolResponse", "functionCall"]);
    expect(secondUpstream!.body.contents[2].parts[0].functionResponse.id).toEqual(expect.any(String));
  });

  it.each([false, true])(
    "Vercel AI SDK: a multi-step loop with web_search_20250305 and a function (stream: %s)",
    async (stream) => {
      const anthropic = createAnthropic({
        baseURL: "http://localhost/v1",
        apiKey: "unused",
        fetch: handlerFetch,
      });
      fake.enqueue(
        {
          kind: "tool_calls",
          serverTools: [search],
          calls: [{ name: "get_weather", args: { city: "Utqiagvik" } }],
        },
        { kind: "text", text: "Utqiagvik: -30 °C." },
      );
      const options = {
        model: anthropic(MODEL),
        prompt: "Weather in the northernmost US city?",
        maxRetries: 0,
        stopWhen: isStepCount(3),
        tools: {
          web_search: anthropic.tools.webSearch_20250305({}),
          get_weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async () => "-30 °C" }),
        },
      };
      const text = stream ? await streamText(options).text : (await generateText(options)).text;
      expect(text).toBe("Utqiagvik: -30 °C.");
      expectAccepted();
      expect(partKinds(fake.requests[1]!.body.contents[1])).toEqual([
        "toolCall",
        "toolResponse",
        "functionCall",
      ]);
    },
  );
});
