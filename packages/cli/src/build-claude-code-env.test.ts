import { describe, expect, it } from "vitest";
import { buildClaudeCodeEnv, PLACEHOLDER_API_KEY } from "./build-claude-code-env.js";

describe("buildClaudeCodeEnv", () => {
  it("names the Gemini model of every family the CLI asks about, with its limits", () => {
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
      ANTHROPIC_AUTH_TOKEN: PLACEHOLDER_API_KEY,
      ANTHROPIC_MODEL: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_OPUS_MODEL: "gemini-3.1-pro-preview",
      ANTHROPIC_DEFAULT_OPUS_MODEL_NAME: "gemini-3.1-pro-preview",
      ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION: "Gemini for Opus requests · 1M context · 64K output",
      ANTHROPIC_DEFAULT_SONNET_MODEL: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_SONNET_MODEL_NAME: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_SONNET_MODEL_DESCRIPTION: "Gemini for Sonnet requests · 1M context · 64K output",
      ANTHROPIC_DEFAULT_HAIKU_MODEL: "gemini-2.5-flash-lite",
      ANTHROPIC_DEFAULT_HAIKU_MODEL_NAME: "gemini-2.5-flash-lite",
      ANTHROPIC_DEFAULT_HAIKU_MODEL_DESCRIPTION: "Gemini for Haiku requests · 1M context · 64K output",
      ANTHROPIC_DEFAULT_FABLE_MODEL: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_FABLE_MODEL_NAME: "gemini-3.5-flash-lite",
      ANTHROPIC_DEFAULT_FABLE_MODEL_DESCRIPTION: "Gemini for Fable requests · 1M context · 64K output",
      ANTHROPIC_SMALL_FAST_MODEL: "gemini-2.5-flash-lite",
      CLAUDE_CODE_SUBAGENT_MODEL: "gemini-3.5-flash-lite",
      CLAUDE_CODE_MAX_CONTEXT_TOKENS: "1048576",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "65536",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    });
  });

  it("sends the proxy key as a bearer token, never as ANTHROPIC_API_KEY", () => {
    const env = buildClaudeCodeEnv({ baseUrl: "http://x", proxyApiKey: "secret" });
    expect(env.ANTHROPIC_AUTH_TOKEN).toBe("secret");
    expect(env).not.toHaveProperty("ANTHROPIC_API_KEY");
  });

  it("uses the built-in mapping without configuration, and only Gemini names", () => {
    const env = buildClaudeCodeEnv({ baseUrl: "http://x" });
    for (const [name, value] of Object.entries(env)) {
      if (name.endsWith("_MODEL") || name.endsWith("_MODEL_NAME")) expect(value).toMatch(/^gemini-/);
    }
    expect(env.ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe("gemini-3.5-flash-lite");
    // gemini-3.8-flash and gemini-3.5-flash-lite: 1,048,576 in, 65,536 out.
    expect(env.CLAUDE_CODE_MAX_CONTEXT_TOKENS).toBe("1048576");
    expect(env.CLAUDE_CODE_MAX_OUTPUT_TOKENS).toBe("65536");
  });

  it("takes the smallest window and output limit of the models Claude Code may use", () => {
    // One model with a smaller window and output limit lowers both for all.
    const env = buildClaudeCodeEnv({
      baseUrl: "http://x",
      models: {
        haikuModel: "gemini-3.5-flash-lite",
        capabilities: { "gemini-3.5-flash-lite": { maxInputTokens: 131_072, maxOutputTokens: 8192 } },
      },
    });
    expect(env.CLAUDE_CODE_MAX_CONTEXT_TOKENS).toBe("131072");
    expect(env.CLAUDE_CODE_MAX_OUTPUT_TOKENS).toBe("8192");
    expect(env.ANTHROPIC_DEFAULT_HAIKU_MODEL_DESCRIPTION).toBe(
      "Gemini for Haiku requests · 128K context · 8K output",
    );
    expect(env.ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION).toBe(
      "Gemini for Opus requests · 1M context · 64K output",
    );
  });

  it("prefers limits a running proxy reported, and counts a --model choice", () => {
    const env = buildClaudeCodeEnv({
      baseUrl: "http://x",
      limits: {
        "gemini-3.8-flash": { maxInputTokens: 2_097_152, maxOutputTokens: 65_536 },
        "gemini-4-xenon": { maxInputTokens: 1_048_576, maxOutputTokens: 32_768 },
      },
      extraModels: ["gemini-4-xenon"],
    });
    expect(env.ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION).toBe(
      "Gemini for Opus requests · 2M context · 64K output",
    );
    expect(env.CLAUDE_CODE_MAX_CONTEXT_TOKENS).toBe("1048576");
    expect(env.CLAUDE_CODE_MAX_OUTPUT_TOKENS).toBe("32768");
  });
});
