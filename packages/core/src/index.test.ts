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
        "checkJsonNesting",
        "checkModelName",
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
        "decodeThinkingSignature",
        "decodeToolUseIdSignature",
        "encodeSseEvent",
        "encodeThinkingSignature",
        "encodeToolUseId",
        "estimateTokens",
        "isRetryableGeminiResponse",
        "isValidModelName",
        "listConfiguredModels",
        "mapGeminiFinishReason",
        "mapUpstreamError",
        "messagesRequestSchema",
        "resolveModel",
        "validateCountTokensRequest",
        "validateMessagesRequest",
      ]
    `);
  });
});
