import { estimateFakeTokens } from "./estimate-fake-tokens.js";
import type { FakeUsage } from "./types.js";

/** One Gemini part as the fake writes it. */
export type FakePart = Record<string, unknown>;

export interface BuildResponseChunksOptions {
  modelVersion: string;
  responseId: string;
  promptTokenCount: number;
  /** Thought tokens spent but not shown (thoughts not requested); still billed like the real service. */
  hiddenThoughtTokens?: number;
  /** `null` leaves the last chunk without a finish reason. */
  finishReason: string | null;
  finishMessage?: string;
  usage?: FakeUsage;
  /** Put on the last candidate: the answer goes on in a later request (long decode). */
  continuationToken?: string;
}

/**
 * Turns the parts of each stream step into whole `GenerateContentResponse` chunks, the way the
 * real service streams: only new parts per chunk, usage as running totals on every chunk, the
 * finish reason on the last one.
 */
export function buildResponseChunks(
  steps: readonly (readonly FakePart[])[],
  options: BuildResponseChunksOptions,
): Record<string, unknown>[] {
  let candidatesTokens = 0;
  let thoughtsTokens = options.hiddenThoughtTokens ?? 0;
  const lastIndex = steps.length - 1;
  return steps.map((parts, index) => {
    for (const part of parts) {
      const cost = estimateFakeTokens({ ...part, thought: undefined });
      if (part.thought === true) thoughtsTokens += cost;
      else candidatesTokens += cost;
    }
    const isLast = index === lastIndex;
    const usage: Record<string, number> = {
      promptTokenCount: options.promptTokenCount,
      candidatesTokenCount: candidatesTokens,
      totalTokenCount: options.promptTokenCount + candidatesTokens + thoughtsTokens,
    };
    if (thoughtsTokens > 0) usage.thoughtsTokenCount = thoughtsTokens;
    if (isLast && options.usage) {
      Object.assign(usage, options.usage);
      if (options.usage.totalTokenCount === undefined) {
        usage.totalTokenCount =
          (usage.promptTokenCount ?? 0) +
          (usage.candidatesTokenCount ?? 0) +
          (usage.thoughtsTokenCount ?? 0) +
          (usage.toolUsePromptTokenCount ?? 0);
      }
    }
    const candidate: Record<string, unknown> = { index: 0 };
    if (parts.length > 0) candidate.content = { role: "model", parts };
    if (isLast && options.finishReason !== null) {
      candidate.finishReason = options.finishReason;
      if (options.finishMessage) candidate.finishMessage = options.finishMessage;
    }
    if (isLast && options.continuationToken) candidate.continuationToken = options.continuationToken;
    return {
      candidates: [candidate],
      usageMetadata: usage,
      modelVersion: options.modelVersion,
      responseId: options.responseId,
    };
  });
}
