import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MISSING_API_KEY_MESSAGE } from "@claude-gemini/fetch-handler";
import { afterEach, describe, expect, it } from "vitest";
import { CONFIG_VARIABLE_NAMES, loadConfig } from "./load-config.js";

const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A fresh working directory, with a `.env` file when text is given. */
function workingDirectory(envFile?: string): string {
  const directory = mkdtempSync(join(tmpdir(), "claude-gemini-config-"));
  directories.push(directory);
  if (envFile !== undefined) writeFileSync(join(directory, ".env"), envFile);
  return directory;
}

describe("loadConfig", () => {
  it("applies defaults when only the key is set", () => {
    const result = loadConfig({ env: { GEMINI_API_KEY: "key-1" }, cwd: workingDirectory() });
    expect(result).toEqual({
      success: true,
      warnings: [],
      config: {
        host: "127.0.0.1",
        port: 8080,
        logLevel: "info",
        // The command gives memory back after bursts; createServer alone leaves it off.
        server: { apiKey: "key-1", releaseMemoryWhenIdle: true },
      },
    });
  });

  it("reads every variable", () => {
    const result = loadConfig({
      cwd: workingDirectory(),
      env: {
        GEMINI_API_KEY: "key-1",
        GEMINI_BASE_URL: "http://127.0.0.1:9999",
        PROXY_HOST: "0.0.0.0",
        PROXY_PORT: "9000",
        PROXY_API_KEY: "proxy-key",
        DEFAULT_MODEL: "gemini-3.5-flash-lite",
        OPUS_MODEL: "models/gemini-3.1-pro-preview",
        SONNET_MODEL: "gemini-3.8-flash",
        HAIKU_MODEL: "gemini-2.5-flash-lite",
        ENABLE_STREAMING: "no",
        LOG_LEVEL: "DEBUG",
        REQUEST_TIMEOUT_MS: "60000",
        MAX_BODY_BYTES: "1048576",
        MAX_BODY_BYTES_IN_FLIGHT: "4194304",
        UPSTREAM_MAX_SOCKETS: "64",
        IDLE_MEMORY_RELEASE_MS: "2500",
        ENABLE_METRICS: "true",
      },
    });
    expect(result.success && result.config).toEqual({
      host: "0.0.0.0",
      port: 9000,
      logLevel: "debug",
      server: {
        apiKey: "key-1",
        baseUrl: "http://127.0.0.1:9999",
        proxyApiKey: "proxy-key",
        models: {
          defaultModel: "gemini-3.5-flash-lite",
          opusModel: "models/gemini-3.1-pro-preview",
          sonnetModel: "gemini-3.8-flash",
          haikuModel: "gemini-2.5-flash-lite",
        },
        enableStreaming: false,
        requestTimeoutMs: 60000,
        maxBodyBytes: 1048576,
        maxBodyBytesInFlight: 4194304,
        upstreamMaxSockets: 64,
        releaseMemoryWhenIdle: { idleMs: 2500 },
        metrics: true,
      },
    });
  });

  it("turns memory release off with IDLE_MEMORY_RELEASE_MS=0", () => {
    const result = loadConfig({
      env: { GEMINI_API_KEY: "key-1", IDLE_MEMORY_RELEASE_MS: "0" },
      cwd: workingDirectory(),
    });
    expect(result.success && result.config.server.releaseMemoryWhenIdle).toBe(false);
  });

  it("uses Vertex AI without an API key when asked to", () => {
    const result = loadConfig({
      cwd: workingDirectory(),
      env: {
        GOOGLE_GENAI_USE_VERTEXAI: "true",
        GOOGLE_CLOUD_PROJECT: "my-project",
        GOOGLE_CLOUD_LOCATION: "us-central1",
      },
    });
    expect(result.success && result.config.server.vertexai).toEqual({
      project: "my-project",
      location: "us-central1",
    });
    expect(result.success && result.config.server.apiKey).toBeUndefined();
  });

  it("explains a missing key with where to get one", () => {
    const result = loadConfig({ env: {}, cwd: workingDirectory() });
    expect(result).toEqual({ success: false, problems: [MISSING_API_KEY_MESSAGE], warnings: [] });
    expect(MISSING_API_KEY_MESSAGE).toBe(
      "GEMINI_API_KEY is not set. Get a key at https://aistudio.google.com/apikey and put it in the environment or a .env file.",
    );
  });

  it.each([
    [{ PROXY_PORT: "80a" }, 'PROXY_PORT must be a whole number from 0 to 65535, got "80a".'],
    [{ PROXY_PORT: "70000" }, 'PROXY_PORT must be a whole number from 0 to 65535, got "70000".'],
    [
      { ENABLE_STREAMING: "maybe" },
      'ENABLE_STREAMING must be true or false (also 1/0, yes/no), got "maybe".',
    ],
    [{ LOG_LEVEL: "verbose" }, 'LOG_LEVEL must be one of debug, info, warn, error, silent, got "verbose".'],
    [{ GEMINI_BASE_URL: "localhost:9000" }, 'GEMINI_BASE_URL must be an http(s) URL, got "localhost:9000".'],
    [{ REQUEST_TIMEOUT_MS: "-5" }, 'REQUEST_TIMEOUT_MS must be a number of milliseconds above 0, got "-5".'],
    [{ MAX_BODY_BYTES: "0" }, 'MAX_BODY_BYTES must be a number of bytes above 0, got "0".'],
    [{ UPSTREAM_MAX_SOCKETS: "0" }, 'UPSTREAM_MAX_SOCKETS must be a number of connections above 0, got "0".'],
    [
      { IDLE_MEMORY_RELEASE_MS: "soon" },
      'IDLE_MEMORY_RELEASE_MS must be a number of milliseconds, got "soon".',
    ],
    [{ MAX_JSON_DEPTH: "0" }, 'MAX_JSON_DEPTH must be a nesting depth from 1 to 100000, got "0".'],
    [{ MAX_TOOLS: "513" }, `MAX_TOOLS must be a whole number from 0 to 512 (Gemini's limit), got "513".`],
    [{ MAX_MEDIA_BYTES: "20MB" }, 'MAX_MEDIA_BYTES must be a number of bytes above 0, got "20MB".'],
    [
      { PROXY_HOST: "http://example.com" },
      'PROXY_HOST must be a host name or IP address, got "http://example.com".',
    ],
    [
      { OPUS_MODEL: "gpt-4o" },
      'OPUS_MODEL "gpt-4o" is not a Gemini model: use a name starting with "gemini-"',
    ],
    [
      { GOOGLE_GENAI_USE_VERTEXAI: "true", GOOGLE_CLOUD_LOCATION: "us-central1" },
      "GOOGLE_CLOUD_PROJECT is not set; Vertex AI (GOOGLE_GENAI_USE_VERTEXAI=true) needs it.",
    ],
  ])("reports %j clearly", (variables, message) => {
    const result = loadConfig({ env: { GEMINI_API_KEY: "key-1", ...variables }, cwd: workingDirectory() });
    expect(result.success).toBe(false);
    expect(!result.success && result.problems).toEqual([expect.stringContaining(message)]);
  });

  it("lists every problem at once", () => {
    const result = loadConfig({
      env: { PROXY_PORT: "abc", LOG_LEVEL: "loud", HAIKU_MODEL: "claude-haiku" },
      cwd: workingDirectory(),
    });
    expect(!result.success && result.problems).toEqual([
      expect.stringContaining("PROXY_PORT"),
      expect.stringContaining("HAIKU_MODEL"),
      expect.stringContaining("LOG_LEVEL"),
      MISSING_API_KEY_MESSAGE,
    ]);
  });

  it("reads a .env file in the working directory, and the environment wins over it", () => {
    const cwd = workingDirectory(
      'GEMINI_API_KEY="from-file"\nexport PROXY_PORT=9100\nLOG_LEVEL=warn\nnot an assignment\n',
    );
    const result = loadConfig({ env: { LOG_LEVEL: "error" }, cwd });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.config.server.apiKey).toBe("from-file");
    expect(result.config.port).toBe(9100);
    expect(result.config.logLevel).toBe("error");
    expect(result.warnings).toEqual([".env line 4 is not a KEY=VALUE assignment; it was ignored."]);
  });

  it("treats blank values as unset", () => {
    const result = loadConfig({
      env: { GEMINI_API_KEY: "key", PROXY_API_KEY: "", PROXY_PORT: " ", OPUS_MODEL: "" },
      cwd: workingDirectory(),
    });
    expect(result.success && result.config).toMatchObject({ port: 8080, server: { apiKey: "key" } });
    expect(result.success && "proxyApiKey" in result.config.server).toBe(false);
    expect(result.success && "models" in result.config.server).toBe(false);
  });

  it("falls back to .env for a variable set blank in the environment, as documented", () => {
    const cwd = workingDirectory("GEMINI_API_KEY=from-file\nPROXY_API_KEY=file-secret\nPROXY_PORT=9100\n");
    const result = loadConfig({ env: { GEMINI_API_KEY: "", PROXY_API_KEY: "  ", PROXY_PORT: "" }, cwd });
    expect(result.success && result.config).toMatchObject({
      port: 9100,
      server: { apiKey: "from-file", proxyApiKey: "file-secret" },
    });
  });

  it("reads a JSON config file: the environment wins over it, and it wins over .env", () => {
    const cwd = workingDirectory("GEMINI_API_KEY=from-env-file\nLOG_LEVEL=debug\nPROXY_HOST=10.0.0.1\n");
    writeFileSync(
      join(cwd, "proxy.json"),
      JSON.stringify({
        PROXY_PORT: 9000,
        LOG_LEVEL: "warn",
        ENABLE_METRICS: true,
        GEMINI_API_KEYS: ["a", "b"],
      }),
    );
    const result = loadConfig({ env: { LOG_LEVEL: "error" }, cwd, configFile: "proxy.json" });
    expect(result.success && result.config).toMatchObject({
      host: "10.0.0.1",
      port: 9000,
      logLevel: "error",
      server: { apiKey: "from-env-file", metrics: true, apiKeys: ["a", "b"] },
    });
  });

  it("lets command-line overrides win over everything", () => {
    const cwd = workingDirectory("PROXY_PORT=9100\n");
    const result = loadConfig({
      env: { GEMINI_API_KEY: "key", PROXY_PORT: "9200", PROXY_HOST: "127.0.0.1" },
      cwd,
      overrides: { PROXY_PORT: "9000", PROXY_HOST: "0.0.0.0" },
    });
    expect(result.success && result.config).toMatchObject({ port: 9000, host: "0.0.0.0" });
  });

  it("names the config file and the fix for each of its problems", () => {
    const cwd = workingDirectory();
    const env = { GEMINI_API_KEY: "key" };
    const problems = (configFile: string, text?: string) => {
      if (text !== undefined) writeFileSync(join(cwd, configFile), text);
      const result = loadConfig({ env, cwd, configFile });
      return result.success ? [] : result.problems;
    };
    expect(problems("missing.json")).toEqual([
      `The config file ${join(cwd, "missing.json")} was not used: there is no such file.`,
    ]);
    expect(problems("broken.json", "{ PROXY_PORT: 1 }")[0]).toMatch(
      /^The config file .*broken\.json is not valid JSON \(/,
    );
    expect(problems("list.json", "[1]")[0]).toMatch(/must hold a JSON object of settings/);
    expect(problems("unknown.json", JSON.stringify({ PORT: 9000, PROXY_PORT: "x" }))).toEqual([
      `The config file ${join(cwd, "unknown.json")} has an unknown setting "PORT"; settings are the variables of docs/configuration.md, e.g. GEMINI_API_KEY or PROXY_PORT.`,
      'PROXY_PORT must be a whole number from 0 to 65535, got "x".',
    ]);
    expect(problems("nested.json", JSON.stringify({ PROXY_PORT: { value: 1 } }))).toEqual([
      `The config file ${join(cwd, "nested.json")} sets PROXY_PORT to {"value":1}; use a string, number or boolean.`,
    ]);
  });

  it("reads the key pool, fallback chains and context cache settings", () => {
    const result = loadConfig({
      env: {
        GEMINI_API_KEYS: "key-a, key-b,,key-c",
        FALLBACK_MODELS:
          "gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite; gemini-3.5-flash-lite",
        ENABLE_CONTEXT_CACHE: "true",
        CONTEXT_CACHE_MIN_TOKENS: "2048",
        CONTEXT_CACHE_TTL_SECONDS: "600",
      },
      cwd: workingDirectory(),
    });
    expect(result.success && result.config.server).toMatchObject({
      apiKeys: ["key-a", "key-b", "key-c"],
      fallbackModels: {
        "gemini-3.1-pro-preview": ["gemini-3.8-flash", "gemini-3.5-flash-lite"],
        "*": ["gemini-3.5-flash-lite"],
      },
      contextCache: { enabled: true, minTokens: 2048, ttlSeconds: 600 },
    });
    // GEMINI_API_KEYS alone is enough credentials.
    expect(result.success && result.config.server.apiKey).toBeUndefined();
  });

  it("rejects fallback chains naming something that is not a Gemini model", () => {
    const result = loadConfig({
      env: {
        GEMINI_API_KEY: "key",
        FALLBACK_MODELS: "gemini-3.1-pro-preview:gpt-5",
        CONTEXT_CACHE_TTL_SECONDS: "5",
      },
      cwd: workingDirectory(),
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.problems).toEqual([
      expect.stringContaining(
        'FALLBACK_MODELS must be chains like gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite (separated by ;) of Gemini model names; not valid: "gpt-5"',
      ),
      'CONTEXT_CACHE_TTL_SECONDS must be a number of seconds from 60 to 604800, got "5".',
    ]);
  });

  it("reads the request limits, leaving unset ones to core's defaults", () => {
    const all = loadConfig({
      env: { GEMINI_API_KEY: "key", MAX_JSON_DEPTH: "64", MAX_TOOLS: "0", MAX_MEDIA_BYTES: "1048576" },
      cwd: workingDirectory(),
    });
    expect(all.success && all.config.server.requestLimits).toEqual({
      maxNestingDepth: 64,
      maxTools: 0,
      maxMediaBytes: 1_048_576,
    });
    const one = loadConfig({ env: { GEMINI_API_KEY: "key" }, cwd: workingDirectory("MAX_TOOLS=100\n") });
    expect(one.success && one.config.server.requestLimits).toEqual({ maxTools: 100 });
    const none = loadConfig({ env: { GEMINI_API_KEY: "key", MAX_JSON_DEPTH: " " }, cwd: workingDirectory() });
    expect(none.success && "requestLimits" in none.config.server).toBe(false);
  });

  it("reads the auto-mode check settings, and leaves the check on by default", () => {
    const all = loadConfig({
      env: {
        GEMINI_API_KEY: "key",
        ENABLE_AUTO_MODE_CHECK: "no",
        AUTO_MODE_CHECK_MODEL: "gemini-2.5-flash-lite",
        AUTO_MODE_CHECK_TIMEOUT_MS: "8000",
      },
      cwd: workingDirectory(),
    });
    expect(all.success && all.config.server.autoModeCheck).toEqual({
      enabled: false,
      model: "gemini-2.5-flash-lite",
      timeoutMs: 8000,
    });
    const none = loadConfig({ env: { GEMINI_API_KEY: "key" }, cwd: workingDirectory() });
    expect(none.success && "autoModeCheck" in none.config.server).toBe(false);
    const bad = loadConfig({
      env: {
        GEMINI_API_KEY: "key",
        ENABLE_AUTO_MODE_CHECK: "maybe",
        AUTO_MODE_CHECK_MODEL: "gpt-5-mini",
        AUTO_MODE_CHECK_TIMEOUT_MS: "5",
      },
      cwd: workingDirectory(),
    });
    expect(!bad.success && bad.problems).toEqual([
      'ENABLE_AUTO_MODE_CHECK must be true or false (also 1/0, yes/no), got "maybe".',
      expect.stringContaining('AUTO_MODE_CHECK_MODEL "gpt-5-mini" is not a Gemini model'),
      'AUTO_MODE_CHECK_TIMEOUT_MS must be a number of milliseconds from 100 to 600000, got "5".',
    ]);
  });
});

describe("CONFIG_VARIABLE_NAMES", () => {
  const repositoryFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

  it.each([".env.example", "docs/configuration.md"])("are each documented in %s", (path) => {
    expect(CONFIG_VARIABLE_NAMES).toEqual(expect.arrayContaining(["GEMINI_API_KEY", "MAX_MEDIA_BYTES"]));
    const text = repositoryFile(path);
    const missing = CONFIG_VARIABLE_NAMES.filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
    expect(missing).toEqual([]);
  });
});
