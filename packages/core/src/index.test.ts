import { describe, expect, it } from "vitest";
import * as core from "./index.js";

describe("@claude-gemini/core public API", () => {
  it("exports exactly the documented runtime symbols", () => {
    // The public API changes only on purpose: update this list together with the README.
    expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
      [
        "ClaudeGeminiError",
        "DEFAULT_MODEL_CAPABILITIES",
        "InvalidRequestError",
        "SKIP_THOUGHT_SIGNATURE_VALIDATOR",
        "addGroundingCitations",
        "buildCountTokensRequest",
        "convertGenerationConfig",
        "convertGroundingToAnthropic",
        "convertJsonSchema",
        "convertOutputFormat",
        "convertServerToolsToGemini",
        "convertToAnthropicMessage",
        "convertToGeminiRequest",
        "convertUsage",
        "countTokensRequestSchema",
        "createIdGenerator",
        "createSchemaCompiler",
        "createSseDecoder",
        "createStreamTranslator",
        "createToolNameMap",
        "decodeServerToolPart",
        "decodeThinkingSignature",
        "decodeToolUseIdCallId",
        "decodeToolUseIdSignature",
        "encodeServerToolPart",
        "encodeSseEvent",
        "encodeThinkingSignature",
        "encodeToolUseId",
        "estimateTokens",
        "isRetryableGeminiResponse",
        "listConfiguredModels",
        "mapGeminiFinishReason",
        "mapUpstreamError",
        "messagesRequestSchema",
        "resolveAnthropicClientTool",
        "resolveModel",
        "validateCountTokensRequest",
        "validateMessagesRequest",
      ]
    `);
  });
});
