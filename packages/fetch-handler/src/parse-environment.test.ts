import { describe, expect, it } from "vitest";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerOptions } from "./fetch-handler-options.js";
import {
  ENVIRONMENT_VARIABLE_NAMES,
  MISSING_API_KEY_MESSAGE,
  parseEnvironment,
} from "./parse-environment.js";

const KEY = { GEMINI_API_KEY: "key-1" };

describe("parseEnvironment", () => {
  it("needs only a key, and sets nothing else", () => {
    expect(parseEnvironment(KEY)).toEqual({
      options: { apiKey: "key-1" },
      logLevel: "info",
      problems: [],
      warnings: [],
    });
  });

  it("leaves variables it does not know alone", () => {
    expect(parseEnvironment({ ...KEY, PATH: "/bin", PORT: "8080", HOME: "/home/someone" })).toEqual(
      parseEnvironment(KEY),
    );
  });

  // One row per variable: what it sets in the handler options.
  it.each<[Record<string, string>, FetchHandlerOptions]>([
    [{ GEMINI_API_KEYS: "key-a, key-b,,key-c" }, { apiKeys: ["key-a", "key-b", "key-c"] }],
    [{ GEMINI_BASE_URL: "http://127.0.0.1:9999" }, { baseUrl: "http://127.0.0.1:9999" }],
    [{ PROXY_API_KEY: "proxy-key" }, { proxyApiKey: "proxy-key" }],
    [{ ALLOW_UNAUTHENTICATED_REMOTE: "yes" }, { allowUnauthenticatedRemote: true }],
    [{ DEFAULT_MODEL: "gemini-3.5-flash-lite" }, { models: { defaultModel: "gemini-3.5-flash-lite" } }],
    [
      { OPUS_MODEL: "models/gemini-3.1-pro-preview" },
      { models: { opusModel: "models/gemini-3.1-pro-preview" } },
    ],
    [{ SONNET_MODEL: "gemini-3.8-flash" }, { models: { sonnetModel: "gemini-3.8-flash" } }],
    [{ HAIKU_MODEL: "gemini-2.5-flash-lite" }, { models: { haikuModel: "gemini-2.5-flash-lite" } }],
    [{ ENABLE_STREAMING: "no" }, { enableStreaming: false }],
    [{ ENABLE_METRICS: "yes" }, { metrics: true }],
    [{ ENABLE_METRICS: "false" }, {}],
    [{ REQUEST_TIMEOUT_MS: "60000" }, { requestTimeoutMs: 60_000 }],
    [{ RETRY_MAX_ATTEMPTS: "2" }, { retry: { maxAttempts: 2 } }],
    [{ RETRY_BASE_DELAY_MS: "5" }, { retry: { baseDelayMs: 5 } }],
    [{ RETRY_MAX_TOTAL_DELAY_MS: "0" }, { retry: { maxTotalDelayMs: 0 } }],
    [{ RETRY_MAX_DELAY_MS: "4000" }, { retry: { maxDelayMs: 4000 } }],
    [{ RETRY_HTTP_STATUS_CODES: " 429, 503 ,504" }, { retry: { httpStatusCodes: [429, 503, 504] } }],
    [{ MAX_BODY_BYTES: "1048576" }, { maxBodyBytes: 1_048_576 }],
    [{ CORS_ORIGINS: "*" }, { cors: { origins: "*" } }],
    [
      { CORS_ORIGINS: " https://a.example , http://localhost:3000 " },
      { cors: { origins: ["https://a.example", "http://localhost:3000"] } },
    ],
    [
      {
        FALLBACK_MODELS:
          "gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite; gemini-3.5-flash-lite",
      },
      {
        fallbackModels: {
          "gemini-3.1-pro-preview": ["gemini-3.8-flash", "gemini-3.5-flash-lite"],
          "*": ["gemini-3.5-flash-lite"],
        },
      },
    ],
    [{ ENABLE_CONTEXT_CACHE: "true" }, { contextCache: { enabled: true } }],
    [
      { ENABLE_CONTEXT_CACHE: "1", CONTEXT_CACHE_MIN_TOKENS: "2048", CONTEXT_CACHE_TTL_SECONDS: "600" },
      { contextCache: { enabled: true, minTokens: 2048, ttlSeconds: 600 } },
    ],
    [{ MAX_JSON_DEPTH: "64" }, { requestLimits: { maxNestingDepth: 64 } }],
    [{ MAX_TOOLS: "0" }, { requestLimits: { maxTools: 0 } }],
    [{ MAX_MEDIA_BYTES: "2048" }, { requestLimits: { maxMediaBytes: 2048 } }],
    [{ ENABLE_AUTO_MODE_CHECK: "false" }, { autoModeCheck: { enabled: false } }],
    [
      { AUTO_MODE_CHECK_MODEL: "gemini-2.5-flash-lite" },
      { autoModeCheck: { model: "gemini-2.5-flash-lite" } },
    ],
    [{ AUTO_MODE_CHECK_TIMEOUT_MS: "4000" }, { autoModeCheck: { timeoutMs: 4000 } }],
  ])("reads %j", (variables, expected) => {
    const parsed = parseEnvironment({ ...KEY, ...variables });
    expect(parsed.problems).toEqual([]);
    expect(parsed.options).toEqual({ apiKey: "key-1", ...expected });
  });

  it("reads LOG_LEVEL in any case, info by default", () => {
    expect(parseEnvironment({ ...KEY, LOG_LEVEL: "DEBUG" }).logLevel).toBe("debug");
    expect(parseEnvironment({ ...KEY, LOG_LEVEL: "silent" }).logLevel).toBe("silent");
    expect(parseEnvironment(KEY).logLevel).toBe("info");
  });

  it("uses Vertex AI instead of keys when asked to, and says the keys are ignored", () => {
    const parsed = parseEnvironment({
      GOOGLE_GENAI_USE_VERTEXAI: "true",
      GOOGLE_CLOUD_PROJECT: "my-project",
      GOOGLE_CLOUD_LOCATION: "us-central1",
      GEMINI_API_KEY: "unused",
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.options).toEqual({ vertexai: { project: "my-project", location: "us-central1" } });
    expect(parsed.warnings).toEqual([
      "GEMINI_API_KEY is ignored: GOOGLE_GENAI_USE_VERTEXAI=true uses Vertex AI credentials.",
    ]);
  });

  it("takes GEMINI_API_KEYS alone as credentials", () => {
    expect(parseEnvironment({ GEMINI_API_KEYS: "a,b" })).toMatchObject({
      options: { apiKeys: ["a", "b"] },
      problems: [],
    });
  });

  it("treats blank values as unset", () => {
    expect(parseEnvironment({ ...KEY, PROXY_API_KEY: "", OPUS_MODEL: "  ", MAX_TOOLS: " " })).toEqual(
      parseEnvironment(KEY),
    );
  });

  it("says when a context cache setting has no effect", () => {
    expect(parseEnvironment({ ...KEY, CONTEXT_CACHE_TTL_SECONDS: "600" }).warnings).toEqual([
      "CONTEXT_CACHE_TTL_SECONDS is ignored: ENABLE_CONTEXT_CACHE is not true.",
    ]);
  });

  it("explains missing credentials with where to get a key", () => {
    expect(parseEnvironment({}).problems).toEqual([MISSING_API_KEY_MESSAGE]);
    expect(parseEnvironment({ GEMINI_API_KEYS: " , " }).problems).toEqual([MISSING_API_KEY_MESSAGE]);
    expect(
      parseEnvironment({ GOOGLE_GENAI_USE_VERTEXAI: "true", GOOGLE_CLOUD_LOCATION: "x" }).problems,
    ).toEqual(["GOOGLE_CLOUD_PROJECT is not set; Vertex AI (GOOGLE_GENAI_USE_VERTEXAI=true) needs it."]);
  });

  // One row per variable that can be wrong: the problem names it.
  it.each<[string, string]>([
    ["GOOGLE_GENAI_USE_VERTEXAI", "perhaps"],
    ["GEMINI_BASE_URL", "localhost:9000"],
    ["ALLOW_UNAUTHENTICATED_REMOTE", "sure"],
    ["DEFAULT_MODEL", "gpt-4o"],
    ["OPUS_MODEL", "claude-opus"],
    ["SONNET_MODEL", "gemini x"],
    ["ENABLE_METRICS", "on-please"],
    ["HAIKU_MODEL", "claude-haiku"],
    ["ENABLE_STREAMING", "maybe"],
    ["LOG_LEVEL", "verbose"],
    ["REQUEST_TIMEOUT_MS", "-5"],
    ["RETRY_MAX_ATTEMPTS", "0"],
    ["RETRY_MAX_ATTEMPTS", "three"],
    ["RETRY_BASE_DELAY_MS", "1.5"],
    ["RETRY_MAX_TOTAL_DELAY_MS", "600001"],
    ["RETRY_MAX_DELAY_MS", "1m"],
    ["RETRY_HTTP_STATUS_CODES", "429,5xx"],
    ["RETRY_HTTP_STATUS_CODES", "200"],
    ["RETRY_HTTP_STATUS_CODES", ","],
    ["MAX_BODY_BYTES", "0"],
    ["CORS_ORIGINS", "https://a.example/path"],
    ["FALLBACK_MODELS", "gemini-3.1-pro-preview:gpt-5"],
    ["ENABLE_CONTEXT_CACHE", "on"],
    ["CONTEXT_CACHE_MIN_TOKENS", "0"],
    ["CONTEXT_CACHE_TTL_SECONDS", "5"],
    ["MAX_JSON_DEPTH", "0"],
    ["MAX_TOOLS", "513"],
    ["MAX_MEDIA_BYTES", "20MB"],
    ["ENABLE_AUTO_MODE_CHECK", "maybe"],
    ["AUTO_MODE_CHECK_MODEL", "gpt-5-mini"],
    ["AUTO_MODE_CHECK_TIMEOUT_MS", "5"],
  ])("reports %s=%j as a problem naming it", (name, value) => {
    const parsed = parseEnvironment({ ...KEY, ENABLE_CONTEXT_CACHE: "true", [name]: value });
    expect(parsed.problems).toEqual([expect.stringContaining(name)]);
    expect(parsed.problems[0]).toMatch(new RegExp(`^${name}\\b`));
  });

  it("reports every problem at once, in the order the variables are declared", () => {
    expect(
      parseEnvironment({ LOG_LEVEL: "loud", HAIKU_MODEL: "claude-haiku", MAX_TOOLS: "x" }).problems,
    ).toEqual([
      expect.stringMatching(/^HAIKU_MODEL/),
      expect.stringMatching(/^LOG_LEVEL/),
      expect.stringMatching(/^MAX_TOOLS/),
      MISSING_API_KEY_MESSAGE,
    ]);
  });

  it("never echoes credentials of an invalid GEMINI_BASE_URL", () => {
    const [problem] = parseEnvironment({
      ...KEY,
      GEMINI_BASE_URL: "ftp://user:s3cr3t@gateway.example/?key=s3cr3t",
    }).problems;
    expect(problem).toContain("***");
    expect(problem).not.toContain("s3cr3t");
  });

  it("reads bindings that are not strings, as Workers' [vars] may hand them over", () => {
    const bindings = { ...KEY, MAX_TOOLS: 3, ENABLE_STREAMING: false } as unknown as Record<string, string>;
    expect(parseEnvironment(bindings).options).toMatchObject({
      requestLimits: { maxTools: 3 },
      enableStreaming: false,
    });
  });

  it("declares each variable once", () => {
    expect(new Set(ENVIRONMENT_VARIABLE_NAMES).size).toBe(ENVIRONMENT_VARIABLE_NAMES.length);
  });

  it("makes its options reach the handler: MAX_TOOLS=1 refuses two tools before any Gemini call", async () => {
    // The base URL points at a closed port: a request that got past the limit would fail differently.
    const { options } = parseEnvironment({ ...KEY, GEMINI_BASE_URL: "http://127.0.0.1:9", MAX_TOOLS: "1" });
    const handler = createFetchHandler({ ...options, modelMetadata: false });
    const tool = (name: string) => ({ name, input_schema: { type: "object", properties: {} } });
    const response = await handler(
      new Request("http://localhost/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "any" },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
          tools: [tool("first"), tool("second")],
        }),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringContaining("At most 1 tools") },
    });
  });
});
