import Anthropic from "@anthropic-ai/sdk";
import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, type RecordedRequest, startGeminiFake } from "../gemini-fake/index.js";

// Gemini 4's long decode, end to end: the official Anthropic SDK → the fetch handler (its REST
// wire, on the real `@google/genai` client's settings) → the strict fake over HTTP. The fake
// ends each hop of the answer with a continuation token and refuses tokens it did not issue;
// the proxy must send the request again with the token, as `@google/genai`'s own
// `generateContent` does by default, and hand the client one answer.

const KEY = "long-decode-key";
const MODEL = "gemini-4-argon";
let fake: GeminiFake;
let run = 0;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKeys: [KEY] });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  run++;
  // Three hops: the token a request carries picks the hop that answers it.
  const tokens = [`run${run}-hop1`, `run${run}-hop2`];
  fake.setDefault({
    kind: "script",
    handler: (request) => {
      const token = request.body?.continuationToken;
      if (token === undefined)
        return { kind: "text", text: "Part one. ", chunks: 2, continuationToken: tokens[0] };
      if (token === tokens[0])
        return { kind: "text", text: "Part two. ", chunks: 2, continuationToken: tokens[1] };
      return { kind: "text", text: "Part three.", chunks: 2, finishReason: "STOP" };
    },
  });
});

function createClient() {
  const warnings: string[] = [];
  const handler = createFetchHandler({ apiKey: KEY, baseUrl: fake.url, modelMetadata: false });
  const client = new Anthropic({
    apiKey: "unused",
    baseURL: "http://localhost",
    maxRetries: 0,
    fetch: async (url, init) => {
      const response = await handler(new Request(url, init));
      const header = response.headers.get("x-claude-gemini-warnings");
      if (header) warnings.push(header);
      return response;
    },
  });
  return { client, warnings };
}

const generateRequests = (): RecordedRequest[] =>
  fake.requests.filter(
    (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
  );

const PROMPT = { role: "user" as const, content: "Write the whole migration report, every section." };

function expectThreeHops(action: string) {
  const requests = generateRequests();
  expect(requests.map((request) => request.action)).toEqual([action, action, action]);
  expect(requests.map((request) => request.body.continuationToken)).toEqual([
    undefined,
    `run${run}-hop1`,
    `run${run}-hop2`,
  ]);
  // Each hop is the same request, plus the token.
  const { continuationToken: _token, ...second } = requests[1]!.body;
  expect(second).toEqual(requests[0]!.body);
  expect(requests.every((request) => request.rejection === undefined)).toBe(true);
}

const textOf = (content: Anthropic.ContentBlock[]) =>
  content.map((block) => (block.type === "text" ? block.text : "")).join("");

describe("long decode (continuation tokens)", () => {
  it("JSON: one message from three hops, ended by the last hop's finish reason", async () => {
    const { client, warnings } = createClient();
    const message = await client.messages.create({ model: MODEL, max_tokens: 8192, messages: [PROMPT] });
    expectThreeHops("generateContent");
    expect(textOf(message.content)).toBe("Part one. Part two. Part three.");
    expect(message.stop_reason).toBe("end_turn");
    expect(warnings.join(" ")).not.toMatch(/CONTINUATION|continu/i);
  });

  it("stream: one message_start, the three hops' text, one message_stop", async () => {
    const { client } = createClient();
    const stream = client.messages.stream({ model: MODEL, max_tokens: 8192, messages: [PROMPT] });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expectThreeHops("streamGenerateContent");
    expect(textOf(message.content)).toBe("Part one. Part two. Part three.");
    expect(message.stop_reason).toBe("end_turn");
    expect(types.filter((type) => type === "message_start")).toHaveLength(1);
    expect(types.filter((type) => type === "message_stop")).toHaveLength(1);
    expect(types).not.toContain("error");
  });

  it("counts the prompt once and every hop's output, in the JSON answer and the stream alike", async () => {
    const { client } = createClient();
    const json = await client.messages.create({ model: MODEL, max_tokens: 8192, messages: [PROMPT] });
    const streamed = await client.messages
      .stream({ model: MODEL, max_tokens: 8192, messages: [PROMPT] })
      .finalMessage();
    // The same prompt answered in one hop: its input is what the three hops' answer reports.
    fake.setDefault({ kind: "text", text: "Part one. ", chunks: 2 });
    const single = await client.messages.create({ model: MODEL, max_tokens: 8192, messages: [PROMPT] });
    expect(single.usage.input_tokens).toBeGreaterThan(0);
    expect(json.usage.input_tokens).toBe(single.usage.input_tokens);
    expect(streamed.usage.input_tokens).toBe(single.usage.input_tokens);
    expect(json.usage.output_tokens).toBeGreaterThan(single.usage.output_tokens);
    expect(streamed.usage.output_tokens).toBe(json.usage.output_tokens);
  });

  it("the fake refuses a token it did not issue, as the strict service would", async () => {
    const response = await fetch(`${fake.url}/v1beta/models/${MODEL}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": KEY },
      body: JSON.stringify({
        contents: [{ role: "user", parts: [{ text: "Hi" }] }],
        continuationToken: "forged",
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("INVALID_ARGUMENT");
  });
});
