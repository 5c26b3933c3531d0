import type { Usage } from "./anthropic-api.js";
import type { GeminiUsageMetadata } from "./gemini-api.js";

/**
 * Gemini `usageMetadata` → Anthropic `usage`.
 *
 * Spec: https://ai.google.dev/api/generate-content#UsageMetadata and
 * https://docs.anthropic.com/en/api/messages#response-usage
 *
 * Thinking tokens are billed as output on both sides, so `thoughtsTokenCount` joins
 * `output_tokens`. Gemini's `promptTokenCount` includes cached tokens while Anthropic's
 * `input_tokens` excludes cache reads, so the cached part moves to `cache_read_input_tokens`.
 * Tokens of tool results Gemini ran itself (`toolUsePromptTokenCount`) are input. Gemini
 * reports no cache writes: a host that created a cached content for this very request passes
 * its size as `cacheCreationTokens`, and that part of the cached tokens is reported as
 * `cache_creation_input_tokens` rather than read.
 *
 * @example
 * convertUsage({ promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 5 });
 * // { input_tokens: 40, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 60 }
 */
export function convertUsage(usage: GeminiUsageMetadata | undefined, cacheCreationTokens?: number): Usage {
  const prompt = count(usage?.promptTokenCount) + count(usage?.toolUsePromptTokenCount);
  const cached = Math.min(count(usage?.cachedContentTokenCount), prompt);
  const created = Math.min(count(cacheCreationTokens), cached);
  return {
    input_tokens: prompt - cached,
    output_tokens: count(usage?.candidatesTokenCount) + count(usage?.thoughtsTokenCount),
    cache_creation_input_tokens: created,
    cache_read_input_tokens: cached - created,
  };
}

/** Counts are optional on the wire and must never turn into `NaN` or a negative number. */
function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
