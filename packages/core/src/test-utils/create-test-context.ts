import type { ConversionContext } from "../conversion-context.js";

/** A conversion context for response-side tests; fields can be overridden per test. */
export function createTestContext(overrides: Partial<ConversionContext> = {}): ConversionContext {
  return {
    requestedModel: "claude-sonnet-4-5",
    geminiModel: "gemini-3.8-flash",
    capabilities: {
      maxInputTokens: 1_048_576,
      maxOutputTokens: 65_536,
      thinking: { style: "budget", min: 128, max: 32_768, canDisable: false },
      requiresThoughtSignatures: false,
      supportsJsonSchema: true,
      supportsFunctionResponseParts: false,
    },
    toolNames: new Map([["mcp__fs__read_multiple", "mcp__fs__read-multiple"]]),
    showThinking: true,
    stopSequences: [],
    ...overrides,
  };
}
