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
        "buildCountTokensRequest",
        "buildSafeguardClassifierRequest",
        "checkJsonNesting",
        "checkModelName",
        "convertJsonSchema",
        "convertToAnthropicMessage",
        "convertToGeminiRequest",
        "correctModelCapabilities",
        "createIdGenerator",
        "createSafeguardResult",
        "createSchemaCompiler",
        "createSseDecoder",
        "createStreamTranslator",
        "encodeSseEvent",
        "estimateTokens",
        "findToolUseSafeguard",
        "isRetryableGeminiResponse",
        "isValidModelName",
        "listConfiguredModels",
        "mapUpstreamError",
        "readGeminiFailure",
        "readNetworkFailure",
        "readSafeguardVerdicts",
        "resolveModel",
        "validateCountTokensRequest",
        "validateMessagesRequest",
      ]
    `);
  });
});
