import { generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic, { PermissionDeniedError } from "@anthropic-ai/sdk";
import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, SIGNATURE_PLACEHOLDER, startGeminiFake } from "../gemini-fake/index.js";

// Vertex AI as a backend, offline. The handler authenticates with Application Default
// Credentials like in production: `GOOGLE_APPLICATION_CREDENTIALS` names a service-account key
// file, generated here with a fresh RSA key. Its `universe_domain` is not googleapis.com, so
// google-auth-library signs a self-signed JWT locally instead of calling Google's token
// endpoint (which it would reach at a fixed URL, whatever the file's `token_uri` says). The
// fake checks that JWT's RS256 signature with the public key, on every Vertex AI path.

const PROJECT = "conformance-project";
const LOCATION = "europe-west4";
const MODEL_PREFIX = `/v1beta1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models`;

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city.",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

let fake: GeminiFake;
let directory: string;
let previousCredentials: string | undefined;
let client: Anthropic;

function isSignedBy(publicKey: KeyObject, token: string): boolean {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return false;
  return verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, "base64url"),
  );
}

function createClient(options: { project?: string; contextCache?: boolean } = {}): Anthropic {
  const handler = createFetchHandler({
    vertexai: { project: options.project ?? PROJECT, location: LOCATION },
    baseUrl: fake.url,
    retry: { maxAttempts: 1 },
    ...(options.contextCache ? { contextCache: { enabled: true, minTokens: 2048 } } : {}),
  });
  return new Anthropic({
    apiKey: "unused",
    baseURL: "http://localhost",
    maxRetries: 0,
    fetch: (url, init) => handler(new Request(url, init)),
  });
}

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  directory = mkdtempSync(join(tmpdir(), "claude-gemini-vertex-"));
  const keyFile = join(directory, "service-account.json");
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: "service_account",
      project_id: PROJECT,
      private_key_id: "conformance-key",
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
      client_email: `proxy@${PROJECT}.iam.gserviceaccount.com`,
      client_id: "1",
      token_uri: "http://127.0.0.1:9/token",
      universe_domain: "claude-gemini.test",
    }),
  );
  previousCredentials = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
  fake = await startGeminiFake({
    vertex: { project: PROJECT, location: LOCATION, acceptToken: (token) => isSignedBy(publicKey, token) },
  });
  client = createClient();
});

afterAll(async () => {
  await fake.close();
  if (previousCredentials === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = previousCredentials;
  rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => fake.reset());

function generateRequests() {
  return fake.requests.filter(
    (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
  );
}

describe("conformance: Vertex AI backend", () => {
  it("answers messages.create through the Vertex AI path with a signed bearer token", async () => {
    fake.enqueue({ kind: "text", text: "Hello from Vertex." });
    const message = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 256,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message).toMatchObject({
      model: "claude-sonnet-4-6",
      content: [{ type: "text", text: "Hello from Vertex." }],
    });
    const [upstream] = generateRequests();
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    expect(upstream!.path).toBe(`${MODEL_PREFIX}/gemini-3.8-flash:generateContent`);
    expect(upstream!.vertex).toEqual({ project: PROJECT, location: LOCATION });
    expect(upstream!.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(upstream!.headers["x-goog-api-key"]).toBeUndefined();
  });

  it("streams with messages.stream", async () => {
    fake.enqueue({ kind: "text", text: "One two three four.", chunks: 3 });
    const message = await client.messages
      .stream({
        model: "gemini-2.5-flash-lite",
        max_tokens: 256,
        messages: [{ role: "user", content: "Count." }],
      })
      .finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "One two three four." }]);
    expect(generateRequests()[0]!.path).toBe(`${MODEL_PREFIX}/gemini-2.5-flash-lite:streamGenerateContent`);
  });

  it("round-trips a Gemini 3 tool call with its real signature", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Oslo?" };
    const body = { model: "gemini-3-flash-preview", max_tokens: 1024, tools: [WEATHER_TOOL] };
    fake.enqueue({ kind: "tool_calls", calls: [{ name: "get_weather", args: { city: "Oslo" } }] });
    const first = await client.messages.create({ ...body, messages: [question] });
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    fake.enqueue({ kind: "text", text: "Cold." });
    const second = await client.messages.create({
      ...body,
      messages: [
        question,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "-3 °C" }] },
      ],
    });
    expect(second.content.at(-1)).toEqual({ type: "text", text: "Cold." });
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    const call = generateRequests()[1]!.body.contents[1].parts[0];
    expect(call.functionCall.name).toBe("get_weather");
    expect(call.thoughtSignature).toEqual(expect.any(String));
    expect(call.thoughtSignature).not.toBe(SIGNATURE_PLACEHOLDER);
  });

  it("counts tokens through Vertex AI's countTokens", async () => {
    const counted = await client.messages.countTokens({
      model: "gemini-2.5-flash-lite",
      system: "You are a weather assistant.",
      tools: [WEATHER_TOOL],
      messages: [{ role: "user", content: "Weather?" }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const request = fake.requests.find((recorded) => recorded.action === "countTokens");
    expect(request?.path).toBe(`${MODEL_PREFIX}/gemini-2.5-flash-lite:countTokens`);
    expect(request?.rejection).toBeUndefined();
  });

  it("caches context under the project's own cachedContents", async () => {
    const caching = createClient({ contextCache: true });
    const send = (text: string) =>
      caching.messages.create({
        model: "gemini-2.5-flash-lite",
        max_tokens: 128,
        system: "You are a careful coding agent. ".repeat(750),
        messages: [{ role: "user", content: text }],
      });
    const first = await send("one");
    const second = await send("two");
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    const created = fake.requests.find((request) => request.action === "createCachedContent");
    expect(created?.path).toBe(`/v1beta1/projects/${PROJECT}/locations/${LOCATION}/cachedContents`);
    const name = generateRequests()[1]!.body.cachedContent as string;
    expect(name).toMatch(new RegExp(`^projects/${PROJECT}/locations/${LOCATION}/cachedContents/`));
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(2048);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });

  it("maps a project the credentials cannot use to a permission error", async () => {
    const other = createClient({ project: "someone-elses-project" });
    await expect(
      other.messages.create({
        model: "gemini-2.5-flash-lite",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});
