/**
 * Issue 14, item 1: the `model` a client sends ends up in the upstream URL path. The
 * `@google/genai` client stops `..`, `?` and `&`, but not `%2e%2e`, `\` or `#`, so
 * `gemini-x/%2e%2e/%2e%2e/cachedContents#` made it call `POST /v1beta/cachedContents` with the
 * operator's key (Vertex AI: with the service account's token). These tests perform that
 * attack on every route where a client names a model, with the real SDK against the fake, and
 * check that nothing but `models/{valid name}` paths ever reaches the upstream.
 */
import { createFetchHandler, parseEnvironment } from "@claude-gemini/fetch-handler";
import { createServer } from "@claude-gemini/node-http";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeminiFake } from "../gemini-fake/index.js";
import { startGeminiFake } from "../gemini-fake/index.js";
import { createVertexCredentials, type VertexCredentials } from "../support/create-vertex-credentials.js";
import { useGeminiFake } from "../support/use-gemini-fake.js";
import { checkAnthropicAnswer } from "./check-anthropic-answer.js";

const KEY = "gemini-key-path-injection";
const PROJECT = "injection-project";
const LOCATION = "us-central1";

/** Names that steer the path (`%2e%2e`, `\`, `#`, `/`, `:`), or a header (CR/LF), or are not ASCII. */
const HOSTILE_MODELS = [
  "gemini-x/%2e%2e/%2e%2e/cachedContents#",
  "gemini-x/%2E%2E/%2E%2E/files#",
  "gemini-x/%2e%2e/%2e%2e/tunedModels#",
  "gemini-x/%2e%2e/%2e%2e/corpora#",
  "gemini-x/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/cachedContents#",
  "gemini-x\\%2e%2e\\%2e%2e\\cachedContents#",
  "gemini-x/a\\%2e%2e\\%2e%2e\\%2e%2e\\%2e%2e\\cachedContents#",
  "gemini-x%2f%2e%2e%2f%2e%2e%2fcachedContents",
  "models/%2e%2e/cachedContents#",
  "google/gemini-x/%2e%2e/%2e%2e/%2e%2e/cachedContents#",
  "gemini-2.5-pro:countTokens#",
  "gemini-2.5-pro#",
  "gemini-2.5-pro\r\nx-injected: yes",
  "gemini-2.5-prö",
];

/**
 * On Vertex AI the SDK keeps two `/`-separated parts of a name (`publishers/{a}/models/{b}`),
 * but the URL parser reads `\` as `/` and `%2e%2e` as `..`: four levels up is the project's
 * own `cachedContents`.
 */
const VERTEX_ATTACK = "gemini-x/a\\%2e%2e\\%2e%2e\\%2e%2e\\%2e%2e\\cachedContents#";

/** The only upstream paths a messages, count_tokens or connection-test request may reach. */
const GEMINI_MODEL_PATH =
  /^\/v1beta\/models\/[A-Za-z0-9][A-Za-z0-9._-]*(?::(?:generateContent|streamGenerateContent|countTokens))?$/;
const VERTEX_MODEL_PATH =
  /^\/v1beta1\/(?:projects\/injection-project\/locations\/us-central1\/)?publishers\/google\/models\/[A-Za-z0-9][A-Za-z0-9._-]*(?::(?:generateContent|streamGenerateContent|countTokens))?$/;

/** Every way a client names a model: messages (JSON and SSE), count_tokens, the connection test. */
function attacks(model: string): { label: string; request: Request }[] {
  const json = (path: string, body: unknown) =>
    new Request(`http://127.0.0.1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const messages = [{ role: "user", content: "Hi" }];
  return [
    { label: "messages", request: json("/v1/messages", { model, max_tokens: 16, messages }) },
    {
      label: "messages stream",
      request: json("/v1/messages", { model, max_tokens: 16, messages, stream: true }),
    },
    { label: "count_tokens", request: json("/v1/messages/count_tokens", { model, messages }) },
    {
      label: "test-connection",
      request: new Request(`http://127.0.0.1/test-connection?model=${encodeURIComponent(model)}`),
    },
  ];
}

async function expectRefused(response: Response, label: string): Promise<void> {
  const answer = await checkAnthropicAnswer(response);
  expect(answer.status, label).toBe(400);
  expect(answer.errorType, label).toBe("invalid_request_error");
  expect(answer.errorMessage, label).toMatch(/^model: Expected a model name of letters, digits/);
}

describe("model names through the Gemini API (API key)", () => {
  const gemini = useGeminiFake({ apiKey: KEY, strict: false });

  it("the attack is real: the bare SDK sends such names to other Gemini resources", async () => {
    const client = new GoogleGenAI({
      apiKey: KEY,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: gemini.fake.url },
    });
    await client.models.generateContent({ model: HOSTILE_MODELS[0]!, contents: "hi" }).catch(() => {});
    await client.models.countTokens({ model: HOSTILE_MODELS[1]!, contents: "hi" }).catch(() => {});
    await client.models.generateContent({ model: HOSTILE_MODELS[5]!, contents: "hi" }).catch(() => {});
    expect(gemini.fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /v1beta/cachedContents",
      "POST /v1beta/files",
      "POST /v1beta/cachedContents",
    ]);
    expect(gemini.fake.requests[0]?.headers["x-goog-api-key"]).toBe(KEY);
  });

  it("never reaches an upstream path but models/{valid}: a 400 naming model on every route", async () => {
    const url = await gemini.listen(
      createServer({ apiKey: KEY, baseUrl: gemini.fake.url, retry: { maxAttempts: 1 } }),
    );
    for (const model of HOSTILE_MODELS) {
      for (const { label, request } of attacks(model)) {
        const target = new URL(request.url);
        const response = await fetch(`${url}${target.pathname}${target.search}`, {
          method: request.method,
          headers: request.headers,
          body: request.body === null ? undefined : await request.text(),
        });
        await expectRefused(response, `${label} ${JSON.stringify(model)}`);
      }
    }
    // Only the handler's own background reads of configured models' metadata, on their paths.
    expect(gemini.fake.requests.filter((request) => request.action !== "get")).toEqual([]);
    for (const request of gemini.fake.requests) expect(request.path).toMatch(GEMINI_MODEL_PATH);

    // The same routes with a valid name do reach Gemini, on the model's own path only.
    for (const { request } of attacks("gemini-3.6-flash")) {
      const target = new URL(request.url);
      const response = await fetch(`${url}${target.pathname}${target.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.body === null ? undefined : await request.text(),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const paths = gemini.fake.requests.map((request) => request.path);
    expect(paths).toContain("/v1beta/models/gemini-3.6-flash:generateContent");
    expect(paths).toContain("/v1beta/models/gemini-3.6-flash:streamGenerateContent");
    expect(paths).toContain("/v1beta/models/gemini-3.6-flash:countTokens");
    expect(paths).toContain("/v1beta/models/gemini-3.6-flash");
    for (const path of paths) expect(path).toMatch(GEMINI_MODEL_PATH);
  });

  it("refuses such names in the configuration at start-up", () => {
    const hostile = HOSTILE_MODELS[0]!;
    expect(() => createFetchHandler({ apiKey: KEY, models: { defaultModel: hostile } })).toThrow(
      /models\.defaultModel is not a model name/,
    );
    expect(() =>
      createFetchHandler({ apiKey: KEY, models: { haikuModel: "gemini-2.5-flash\n" } }),
    ).not.toThrow();
    expect(() => createFetchHandler({ apiKey: KEY, fallbackModels: ["gemini-3.6-flash", hostile] })).toThrow(
      /fallbackModels\.1 is not a model name/,
    );
    expect(() => createFetchHandler({ apiKey: KEY, autoModeCheck: { model: hostile } })).toThrow(
      /autoModeCheck\.model is not a model name/,
    );
    expect(() =>
      createFetchHandler({ apiKey: KEY, fallbackModels: { [hostile]: ["gemini-3.6-flash"] } }),
    ).toThrow(/fallbackModels key .* is not a model name/);
    for (const variable of [
      "DEFAULT_MODEL",
      "OPUS_MODEL",
      "SONNET_MODEL",
      "HAIKU_MODEL",
      "FALLBACK_MODELS",
      "AUTO_MODE_CHECK_MODEL",
    ]) {
      const { problems } = parseEnvironment({ GEMINI_API_KEY: KEY, [variable]: hostile });
      expect(problems, variable).toEqual([expect.stringContaining(variable)]);
    }
  });
});

describe("model names through Vertex AI (service-account token)", () => {
  let fake: GeminiFake;
  let credentials: VertexCredentials;
  let previousCredentials: string | undefined;

  beforeAll(async () => {
    credentials = createVertexCredentials(PROJECT);
    previousCredentials = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = credentials.keyFile;
    fake = await startGeminiFake({
      strict: false,
      vertex: { project: PROJECT, location: LOCATION, acceptToken: credentials.acceptToken },
    });
  });
  afterAll(async () => {
    await fake?.close();
    if (previousCredentials === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = previousCredentials;
    credentials?.remove();
  });

  it("the attack is real: the bare SDK sends such names, with the token, to other Vertex resources", async () => {
    fake.reset();
    const client = new GoogleGenAI({
      vertexai: true,
      project: PROJECT,
      location: LOCATION,
      apiVersion: "v1beta1",
      httpOptions: { baseUrl: fake.url },
    });
    await client.models.generateContent({ model: VERTEX_ATTACK, contents: "hi" }).catch(() => {});
    const [sent] = fake.requests;
    expect(sent?.path).toBe(`/v1beta1/projects/${PROJECT}/locations/${LOCATION}/cachedContents`);
    expect(sent?.headers.authorization).toMatch(/^Bearer \S+/);
  });

  it("never reaches an upstream path but publishers/google/models/{valid}", async () => {
    fake.reset();
    const handler = createFetchHandler({
      vertexai: { project: PROJECT, location: LOCATION },
      baseUrl: fake.url,
      retry: { maxAttempts: 1 },
    });
    for (const model of HOSTILE_MODELS) {
      for (const { label, request } of attacks(model)) {
        await expectRefused(await handler(request), `${label} ${JSON.stringify(model)}`);
      }
    }
    expect(fake.requests.filter((request) => request.action !== "get")).toEqual([]);
    for (const request of fake.requests) expect(request.path).toMatch(VERTEX_MODEL_PATH);

    for (const { request } of attacks("gemini-3.6-flash")) {
      const response = await handler(request);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const paths = fake.requests.map((request) => request.path);
    expect(paths).toContain(
      `/v1beta1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/gemini-3.6-flash:generateContent`,
    );
    for (const path of paths) expect(path).toMatch(VERTEX_MODEL_PATH);
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
  });
});
