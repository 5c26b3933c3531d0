import { describe, expect, it } from "vitest";
import { checkModelName, isValidModelName } from "./check-model-name.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import { validateCountTokensRequest, validateMessagesRequest } from "./validate-messages-request.js";

const ACCEPTED = [
  "gemini-2.5-pro",
  "gemini-3-pro-preview",
  "gemini-2.5-flash-lite-preview-09-2025",
  "models/gemini-2.5-pro",
  "google/gemini-2.5-pro",
  "anthropic/claude-sonnet-4-5",
  "claude-sonnet-4-5-20250929",
  "claude-3.5_sonnet",
  "MODELS/Gemini-2.5-Pro",
  "x".repeat(256),
];

// What a client tried (or could try) to steer the upstream URL path, a header or a log line with.
const REFUSED = [
  "gemini-x/%2e%2e/%2e%2e/cachedContents#",
  "gemini-x/../../files",
  "gemini-x%2F..%2Ftuned",
  "gemini-x\\..\\..\\corpora",
  "gemini-x#",
  "gemini-x?alt=sse",
  "gemini-x&key=1",
  "gemini-x:countTokens",
  "models/../cachedContents",
  "models/gemini-x/extra",
  "tunedModels/my-model",
  "publishers/google/models/gemini-2.5-pro",
  "projects/p/locations/l/cachedContents/1",
  "..",
  ".hidden",
  "-dash-first",
  "gemini-2.5-pro\r\nx-injected: 1",
  "gemini-2.5-pro\u001b[31m",
  "gemini-2.5-pro\u0000",
  "gemini-2.5-pro ",
  " gemini-2.5-pro",
  "gemini-2.5-prö",
  "gemini-2.5-pro\u2028",
  "x".repeat(257),
];

describe("isValidModelName", () => {
  it.each(ACCEPTED)("accepts %j", (name) => {
    expect(isValidModelName(name)).toBe(true);
  });
  it.each(REFUSED)("refuses %j", (name) => {
    expect(isValidModelName(name)).toBe(false);
  });
});

describe("checkModelName", () => {
  it("throws a 400 naming the field, quoting the name with control and non-ASCII characters escaped", () => {
    let thrown: unknown;
    try {
      checkModelName("gemini-\r\n\u001b[31mé", "model");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    const error = thrown as InvalidRequestError;
    expect(error.status).toBe(400);
    expect(error.path).toBe("model");
    expect(error.message).toMatch(/^model: Expected a model name of letters, digits/);
    expect(error.message).toContain(String.raw`received "gemini-\r\n\u001b[31m\u00e9"`);
    for (const character of ["\r", "\n", "\u001b", "é"]) expect(error.message).not.toContain(character);
  });

  it("quotes at most 80 characters of a long name", () => {
    expect(() => checkModelName(`${"y".repeat(300)}/`, "model")).toThrow(/received "y{80}"…$/);
  });
});

describe("request validation", () => {
  const messages = [{ role: "user", content: "Hi" }];
  it.each(REFUSED)("refuses the model %j on /v1/messages and count_tokens", (model) => {
    expect(() => validateMessagesRequest({ model, max_tokens: 16, messages })).toThrow(
      expect.objectContaining({ status: 400, path: "model" }),
    );
    expect(() => validateCountTokensRequest({ model, messages })).toThrow(
      expect.objectContaining({ status: 400, path: "model" }),
    );
  });
  it.each(ACCEPTED)("accepts the model %j", (model) => {
    expect(validateMessagesRequest({ model, max_tokens: 16, messages }).model).toBe(model);
    expect(validateCountTokensRequest({ model, messages }).model).toBe(model);
  });
});
