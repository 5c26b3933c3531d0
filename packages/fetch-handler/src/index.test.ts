import { describe, expect, it } from "vitest";
import * as publicApi from "./index.js";

describe("public API", () => {
  it("exports exactly the intended runtime names", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_MAX_BODY_BYTES",
        "ENVIRONMENT_VARIABLE_NAMES",
        "HANDLER_CORE",
        "MISSING_API_KEY_MESSAGE",
        "checkKeylessRequest",
        "createErrorResponse",
        "createFetchHandler",
        "createFetchTransport",
        "createMetrics",
        "createRequestLogger",
        "decodeContentEncoding",
        "describeGeminiFailure",
        "findHandlerCore",
        "isDecodableEncoding",
        "isEventSource",
        "parseEnvironment",
      ]
    `);
  });
});
