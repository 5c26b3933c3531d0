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
        "RETIRED_MODELS",
        "SKIP_THOUGHT_SIGNATURE_VALIDATOR",
        "addGroundingCitations",
        "buildCountTokensRequest",
        "buildSafeguardClassifierRequest",
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
        "correctModelCapabilities",
        "countTokensRequestSchema",
        "createIdGenerator",
        "createSafeguardResult",
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
        "findToolUseSafeguard",
        "isRetryableGeminiResponse",
        "isValidModelName",
        "listBuiltInFamilyModels",
        "listConfiguredModels",
        "mapGeminiFinishReason",
        "mapUpstreamError",
        "messagesRequestSchema",
        "readGeminiFailure",
        "readNetworkFailure",
        "readSafeguardVerdicts",
        "resolveAnthropicClientTool",
        "resolveModel",
        "validateCountTokensRequest",
        "validateMessagesRequest",
      ]
    `);
  });
});
