import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { afterEach, describe, expect, it } from "vitest";
import { buildServerOptions } from "./build-server-options.js";
import { loadConfig, type ProxyConfig } from "./load-config.js";

const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function configFrom(env: Record<string, string>): ProxyConfig {
  const directory = mkdtempSync(join(tmpdir(), "claude-gemini-options-"));
  directories.push(directory);
  const loaded = loadConfig({ env, cwd: directory });
  if (!loaded.success) throw new Error(loaded.problems.join("\n"));
  return loaded.config;
}

describe("buildServerOptions", () => {
  it("carries every setting of the configuration", () => {
    const options = buildServerOptions(
      configFrom({
        GEMINI_API_KEY: "key-main",
        GEMINI_API_KEYS: "key-a,key-b",
        GEMINI_BASE_URL: "http://127.0.0.1:9",
        PROXY_API_KEY: "client-key",
        OPUS_MODEL: "gemini-3.5-flash-lite",
        ENABLE_STREAMING: "false",
        REQUEST_TIMEOUT_MS: "5000",
        MAX_BODY_BYTES: "1000",
        UPSTREAM_MAX_SOCKETS: "4",
        IDLE_MEMORY_RELEASE_MS: "2500",
        ENABLE_METRICS: "true",
        CORS_ORIGINS: "https://app.example.com",
        FALLBACK_MODELS: "gemini-3.5-flash-lite",
        ENABLE_CONTEXT_CACHE: "true",
        MAX_JSON_DEPTH: "20",
        MAX_TOOLS: "3",
        MAX_MEDIA_BYTES: "2048",
        ENABLE_AUTO_MODE_CHECK: "false",
        AUTO_MODE_CHECK_MODEL: "gemini-2.5-flash-lite",
        AUTO_MODE_CHECK_TIMEOUT_MS: "4000",
      }),
    );
    expect(options).toEqual({
      apiKey: "key-main",
      apiKeys: ["key-a", "key-b"],
      baseUrl: "http://127.0.0.1:9",
      proxyApiKey: "client-key",
      models: { opusModel: "gemini-3.5-flash-lite" },
      enableStreaming: false,
      requestTimeoutMs: 5000,
      maxBodyBytes: 1000,
      upstreamMaxSockets: 4,
      releaseMemoryWhenIdle: { idleMs: 2500 },
      metrics: true,
      cors: { origins: ["https://app.example.com"] },
      fallbackModels: { "*": ["gemini-3.5-flash-lite"] },
      contextCache: { enabled: true },
      requestLimits: { maxNestingDepth: 20, maxTools: 3, maxMediaBytes: 2048 },
      autoModeCheck: { enabled: false, model: "gemini-2.5-flash-lite", timeoutMs: 4000 },
      vertexai: undefined,
    });
  });

  it.each([
    ["0", false],
    [undefined, undefined],
  ])("maps IDLE_MEMORY_RELEASE_MS=%s to releaseMemoryWhenIdle %s", (value, expected) => {
    const environment: Record<string, string> = value === undefined ? {} : { IDLE_MEMORY_RELEASE_MS: value };
    const options = buildServerOptions(configFrom({ GEMINI_API_KEY: "key", ...environment }));
    expect(options.releaseMemoryWhenIdle).toBe(expected);
  });

  it("makes MAX_TOOLS reach the handler: too many tools is a 400 before any Gemini call", async () => {
    // The base URL points at a closed port: a request that got past the limit would fail differently.
    const handler = createFetchHandler(
      buildServerOptions(
        configFrom({ GEMINI_API_KEY: "key", GEMINI_BASE_URL: "http://127.0.0.1:9", MAX_TOOLS: "1" }),
      ),
    );
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
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringContaining("At most 1 tools") },
    });
  });
});
