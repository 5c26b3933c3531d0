import { type ModelMappingOptions, resolveModel } from "@claude-gemini/core";
import type { ModelLimits } from "./read-model-limits.js";

/** Options of {@link buildClaudeCodeEnv}. */
export interface BuildClaudeCodeEnvOptions {
  /** Where the proxy answers, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The key the proxy requires; without one any key works and a placeholder is sent. */
  proxyApiKey?: string;
  models?: ModelMappingOptions;
  /** Limits by Gemini model (see `readModelLimits`); the capability table fills in the rest. */
  limits?: Readonly<Record<string, Pick<ModelLimits, "maxInputTokens" | "maxOutputTokens">>>;
  /** Gemini models Claude Code may use besides the mapped families, e.g. from `--model`. */
  extraModels?: readonly string[];
}

/** Sent as the token when the proxy needs none: Claude Code refuses to start without credentials. */
export const PLACEHOLDER_API_KEY = "claude-gemini-proxy";

/** The model slots of Claude Code's `/model` menu, each with the Claude family the proxy maps. */
const MENU_SLOTS = [
  ["OPUS", "claude-opus", "Opus"],
  ["SONNET", "claude-sonnet", "Sonnet"],
  ["HAIKU", "claude-haiku", "Haiku"],
  // A family newer CLIs know; the proxy sends names of no known family to the default model.
  ["FABLE", "claude-fable", "Fable"],
] as const;

/**
 * The environment that points Claude Code (2.1.332) at the proxy:
 *
 * - `ANTHROPIC_AUTH_TOKEN` carries the proxy key as a bearer token. Unlike `ANTHROPIC_API_KEY`
 *   it does not make Claude Code ask "Detected a custom API key … use it?", whose default
 *   answer (No) leaves the session logged out.
 * - Every model setting the CLI reads (`ANTHROPIC_MODEL`, `ANTHROPIC_DEFAULT_{OPUS,SONNET,
 *   HAIKU,FABLE}_MODEL` with `_NAME` and `_DESCRIPTION` for the `/model` menu,
 *   `ANTHROPIC_SMALL_FAST_MODEL`, `CLAUDE_CODE_SUBAGENT_MODEL`) gets the Gemini model the proxy
 *   maps that family to, by its Gemini name, so `/model` and `/status` show what answers.
 * - `CLAUDE_CODE_MAX_CONTEXT_TOKENS` and `CLAUDE_CODE_MAX_OUTPUT_TOKENS` give the real window
 *   and output limit. Claude Code applies each to every model it does not know, which is all of
 *   them here, so both are the smallest of the models it may use: compaction then starts before
 *   the smallest window fills, and no request asks for more output than its model can give.
 *   Without them Claude Code warns on every start that the model "isn't recognized" and caps
 *   output at 32,000 tokens.
 * - Non-essential traffic (telemetry, update checks) is off, since it would go to Anthropic.
 */
export function buildClaudeCodeEnv(options: BuildClaudeCodeEnvOptions): Record<string, string> {
  const model = (name: string) => resolveModel(name, options.models).geminiModel;
  const sonnet = model("claude-sonnet");
  const haiku = model("claude-haiku");
  const env: Record<string, string> = {
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_AUTH_TOKEN: options.proxyApiKey ?? PLACEHOLDER_API_KEY,
    ANTHROPIC_MODEL: sonnet,
  };
  for (const [slot, family, label] of MENU_SLOTS) {
    const gemini = model(family);
    env[`ANTHROPIC_DEFAULT_${slot}_MODEL`] = gemini;
    env[`ANTHROPIC_DEFAULT_${slot}_MODEL_NAME`] = gemini;
    env[`ANTHROPIC_DEFAULT_${slot}_MODEL_DESCRIPTION`] =
      `Gemini for ${label} requests · ${describeLimits(limitsOf(gemini, options))}`;
  }
  env.ANTHROPIC_SMALL_FAST_MODEL = haiku;
  env.CLAUDE_CODE_SUBAGENT_MODEL = sonnet;

  const used = [...MENU_SLOTS.map(([, family]) => model(family)), ...(options.extraModels ?? [])];
  const limits = used.map((gemini) => limitsOf(gemini, options));
  env.CLAUDE_CODE_MAX_CONTEXT_TOKENS = String(Math.min(...limits.map((limit) => limit.maxInputTokens)));
  env.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(Math.min(...limits.map((limit) => limit.maxOutputTokens)));
  env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = "1";
  return env;
}

function limitsOf(
  geminiModel: string,
  options: BuildClaudeCodeEnvOptions,
): Pick<ModelLimits, "maxInputTokens" | "maxOutputTokens"> {
  const known = options.limits?.[geminiModel];
  if (known) return known;
  const { capabilities } = resolveModel(geminiModel, options.models);
  return { maxInputTokens: capabilities.maxInputTokens, maxOutputTokens: capabilities.maxOutputTokens };
}

/** `1M context · 64K output`: binary thousands, as Gemini's limits are powers of two. */
function describeLimits(limits: Pick<ModelLimits, "maxInputTokens" | "maxOutputTokens">): string {
  return `${formatTokens(limits.maxInputTokens)} context · ${formatTokens(limits.maxOutputTokens)} output`;
}

function formatTokens(tokens: number): string {
  if (tokens >= 1_048_576 && tokens % 1_048_576 === 0) return `${tokens / 1_048_576}M`;
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  return tokens.toLocaleString("en-US");
}
