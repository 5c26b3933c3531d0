import { describe, expect, it } from "vitest";
import { buildClaudeCodeEnv, PLACEHOLDER_API_KEY } from "./build-claude-code-env.js";

describe("buildClaudeCodeEnv", () => {
  it("names the Gemini model of every family the CLI asks about", () => {
    const env = buildClaudeCodeEnv({
      baseUrl: "http://127.0.0.1:9000",
      models: {
        opusModel: "gemini-3.1-pro-preview",
        haikuModel: "gemini-2.5-flash-lite",
        defaultModel: "gemini-3.5-flash-lite",
      },
    });
    expect(env).toEqual({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9000",
      ANTHROPIC_API_KEY: PLACEHOLDER_API_KEY,
      ANTHROPIC_MODEL: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_OPUS_MODEL: "gemini-3.1-pro-preview",
      ANTHROPIC_DEFAULT_SONNET_MODEL: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_HAIKU_MODEL: "gemini-2.5-flash-lite",
      ANTHROPIC_DEFAULT_FABLE_MODEL: "gemini-3.5-flash-lite",
      ANTHROPIC_SMALL_FAST_MODEL: "gemini-2.5-flash-lite",
      CLAUDE_CODE_SUBAGENT_MODEL: "gemini-3.5-flash-lite",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    });
  });

  it("sends the proxy key when the proxy requires one", () => {
    expect(buildClaudeCodeEnv({ baseUrl: "http://x", proxyApiKey: "secret" }).ANTHROPIC_API_KEY).toBe(
      "secret",
    );
  });

  it("uses the built-in mapping without configuration, and only Gemini names", () => {
    const env = buildClaudeCodeEnv({ baseUrl: "http://x" });
    for (const [name, value] of Object.entries(env)) {
      if (name.endsWith("_MODEL")) expect(value).toMatch(/^gemini-/);
    }
    expect(env.ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe("gemini-3.5-flash-lite");
  });
});
