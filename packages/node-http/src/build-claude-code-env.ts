import { type ModelMappingOptions, resolveModel } from "@claude-gemini/core";

/** Options of {@link buildClaudeCodeEnv}. */
export interface BuildClaudeCodeEnvOptions {
  /** Where the proxy answers, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The key the proxy requires; without one any key works and a placeholder is sent. */
  proxyApiKey?: string;
  models?: ModelMappingOptions;
}

/** Sent as the key when the proxy needs none: Claude Code refuses to start without a key. */
export const PLACEHOLDER_API_KEY = "claude-gemini-proxy";

/**
 * The environment that points Claude Code at the proxy. Every model setting the CLI reads
 * (2.1.332: `ANTHROPIC_MODEL`, `ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU,FABLE}_MODEL`,
 * `ANTHROPIC_SMALL_FAST_MODEL`, `CLAUDE_CODE_SUBAGENT_MODEL`) gets the Gemini model the
 * proxy would map that family to, by its Gemini name: the model picker and `/status` then
 * show what really answers, and the proxy passes Gemini names through unchanged, so no
 * request depends on a Claude name being mapped. Non-essential traffic (telemetry,
 * update checks) is turned off, since it would go to Anthropic.
 */
export function buildClaudeCodeEnv(options: BuildClaudeCodeEnvOptions): Record<string, string> {
  const model = (name: string) => resolveModel(name, options.models).geminiModel;
  const sonnet = model("claude-sonnet");
  return {
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.proxyApiKey ?? PLACEHOLDER_API_KEY,
    ANTHROPIC_MODEL: sonnet,
    ANTHROPIC_DEFAULT_OPUS_MODEL: model("claude-opus"),
    ANTHROPIC_DEFAULT_SONNET_MODEL: sonnet,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model("claude-haiku"),
    // A family newer CLIs know; the proxy sends names of no known family to the default model.
    ANTHROPIC_DEFAULT_FABLE_MODEL: model("claude-fable"),
    ANTHROPIC_SMALL_FAST_MODEL: model("claude-haiku"),
    CLAUDE_CODE_SUBAGENT_MODEL: sonnet,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
}
