import { describe, expect, it } from "vitest";
import { readGeminiFailure } from "./read-gemini-failure.js";

/** What `@google/genai` throws: an `ApiError` whose message is the JSON body. */
function apiError(status: number, error: Record<string, unknown>): Error {
  const thrown = new Error(JSON.stringify({ error }));
  thrown.name = "ApiError";
  return Object.assign(thrown, { status });
}

const invalid = (message: string) => apiError(400, { code: 400, status: "INVALID_ARGUMENT", message });

describe("readGeminiFailure: the structured error", () => {
  it("reads status, reasons, retry delay and quota from details", () => {
    const failure = readGeminiFailure(
      apiError(429, {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "Quota exceeded",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel" }],
          },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.5s" },
        ],
      }),
    );
    expect(failure).toMatchObject({
      httpStatus: 429,
      structured: true,
      status: "RESOURCE_EXHAUSTED",
      retryDelayMs: 1500,
      quota: { quotaIds: ["GenerateRequestsPerDayPerProjectPerModel"], perDay: true },
      keyRejected: false,
      settingRejection: undefined,
    });
  });

  it("decides a key is refused from ErrorInfo.reason, never from the message", () => {
    const keyDead = apiError(400, {
      code: 400,
      status: "INVALID_ARGUMENT",
      message: "API key not valid. Please pass a valid API key.",
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
    });
    expect(readGeminiFailure(keyDead)?.keyRejected).toBe(true);
    // The same words quoted from a client's prompt, without the reason: the key is fine.
    const quoted = invalid("Request contains an invalid argument: please say: API key not valid");
    expect(readGeminiFailure(quoted)?.keyRejected).toBe(false);
    expect(
      readGeminiFailure(
        apiError(403, {
          code: 403,
          status: "PERMISSION_DENIED",
          message: "x",
          details: [{ reason: "CONSUMER_SUSPENDED" }],
        }),
      )?.keyRejected,
    ).toBe(true);
  });

  it("reads stream chunks, envelopes and SDK prefixes, and ignores what Gemini did not say", () => {
    expect(
      readGeminiFailure({ error: { code: 503, status: "UNAVAILABLE", message: "overloaded" } })?.status,
    ).toBe("UNAVAILABLE");
    const prefixed = Object.assign(
      new Error(
        `got status: 500 . ${JSON.stringify({ error: { code: 500, status: "INTERNAL", message: "x" } })}`,
      ),
      { name: "ApiError", status: 500 },
    );
    expect(readGeminiFailure(prefixed)?.status).toBe("INTERNAL");
    const page = Object.assign(new Error("<html>Bad Gateway</html>"), { name: "ApiError", status: 502 });
    expect(readGeminiFailure(page)).toMatchObject({ httpStatus: 502, structured: false, status: undefined });
    expect(readGeminiFailure(new TypeError("fetch failed"))).toBeUndefined();
    expect(readGeminiFailure("boom")).toBeUndefined();
  });
});

describe("readGeminiFailure: refused generation settings", () => {
  it.each<[string, unknown]>([
    [
      "'minimal' is not a supported thinking level for this model. Allowed values are: low, medium, high",
      { setting: "thinkingLevel", rejected: "MINIMAL", allowed: ["LOW", "MEDIUM", "HIGH"] },
    ],
    [
      "'minimal' is not a supported thinking level for this model. Allowed values are: medium, low, high.",
      { setting: "thinkingLevel", rejected: "MINIMAL", allowed: ["MEDIUM", "LOW", "HIGH"] },
    ],
    [
      'Thinking level "XHIGH" is not supported for models/gemini-4-argon. Supported levels: LOW, MEDIUM, HIGH.',
      { setting: "thinkingLevel", rejected: "XHIGH", allowed: ["LOW", "MEDIUM", "HIGH"] },
    ],
    [
      "Thinking budget is not supported for this model. Use thinking level instead.",
      { setting: "thinkingBudget", problem: "levels-only" },
    ],
    [
      "Thinking level is not supported for this model.",
      { setting: "thinkingLevel", problem: "budgets-only" },
    ],
    [
      "The thinking budget 30000 is invalid. Please choose a value of 0, -1 or between 1 and 24576.",
      { setting: "thinkingBudget", rejected: 30000, min: 1, max: 24576, canDisable: true },
    ],
    [
      "Budget 0 is invalid. This model only works in thinking mode.",
      { setting: "thinkingBudget", rejected: 0, problem: "cannot-disable" },
    ],
    [
      "Unable to submit request because it has a maxOutputTokens value of 128000 but the supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.",
      { setting: "maxOutputTokens", rejected: 128000, max: 65536 },
    ],
  ])("%s", (message, expected) => {
    expect(readGeminiFailure(invalid(message))?.settingRejection).toEqual(expected);
  });

  it.each([
    // The template quoted inside client text: not the service speaking about our setting.
    "Invalid argument in contents[2]: 'minimal' is not a supported thinking level for this model. Allowed values are: low",
    "'minimal' is not a supported thinking level for this model. Allowed values are: low, banana",
    "Thinking level is not supported for this model.\nSee contents[0].parts[0].text",
    "Request contains an invalid argument.",
  ])("reads no setting from %j", (message) => {
    expect(readGeminiFailure(invalid(message))?.settingRejection).toBeUndefined();
  });

  it("reads settings only from a 400 INVALID_ARGUMENT", () => {
    const notFound = apiError(404, {
      code: 404,
      status: "NOT_FOUND",
      message: "Thinking level is not supported for this model.",
    });
    expect(readGeminiFailure(notFound)?.settingRejection).toBeUndefined();
  });
});
