import { describe, expect, it } from "vitest";
import type { GeminiContent, GeminiGenerateContentParameters } from "../gemini-api.js";
import { assertGeminiRequest } from "./assert-gemini-request.js";

const call = (name: string, thoughtSignature?: string) => ({
  functionCall: { name, args: {} },
  ...(thoughtSignature ? { thoughtSignature } : {}),
});
const response = (name: string) => ({ functionResponse: { name, response: { output: "" } } });

function request(contents: GeminiContent[], names = ["Bash", "Read"]): GeminiGenerateContentParameters {
  return {
    model: "gemini-test",
    contents,
    config: { tools: [{ functionDeclarations: names.map((name) => ({ name })) }] },
  };
}

const valid: GeminiContent[] = [
  { role: "user", parts: [{ text: "go" }] },
  { role: "model", parts: [call("Bash", "sig"), call("Read")] },
  { role: "user", parts: [response("Bash"), response("Read"), { text: "more" }] },
];

describe("assertGeminiRequest", () => {
  it("accepts a request that keeps every rule", () => {
    expect(() => assertGeminiRequest(request(valid), { requiresThoughtSignatures: true })).not.toThrow();
  });

  it.each<[string, GeminiGenerateContentParameters, RegExp]>([
    [
      "a model turn first",
      request([{ role: "model", parts: [{ text: "x" }] }]),
      /first turn must be a user turn/,
    ],
    [
      "two user turns in a row",
      request([
        { role: "user", parts: [{ text: "a" }] },
        { role: "user", parts: [{ text: "b" }] },
      ]),
      /two user turns in a row/,
    ],
    ["empty parts", request([{ role: "user", parts: [] }]), /parts is empty/],
    ["empty text", request([{ role: "user", parts: [{ text: "" }] }]), /empty text part/],
    [
      "responses out of order",
      request([valid[0]!, valid[1]!, { role: "user", parts: [response("Read"), response("Bash")] }]),
      /response to "Read" where "Bash" was called/,
    ],
    [
      "a missing response",
      request([valid[0]!, valid[1]!, { role: "user", parts: [response("Bash"), { text: "x" }] }]),
      /expected the response to Read/,
    ],
    [
      "a response without a call",
      request([{ role: "user", parts: [response("Bash")] }]),
      /answer no call of the previous turn/,
    ],
    [
      "an undeclared function",
      request([valid[0]!, valid[1]!, valid[2]!], ["Bash"]),
      /"Read" has no declaration/,
    ],
    ["calls at the end", request([valid[0]!, valid[1]!]), /at the end of history have no responses/],
    [
      "an unsigned first call",
      request([valid[0]!, { role: "model", parts: [call("Bash"), call("Read", "sig")] }, valid[2]!]),
      /first functionCall has no thoughtSignature/,
    ],
  ])("rejects %s", (_label, input, message) => {
    expect(() => assertGeminiRequest(input, { requiresThoughtSignatures: true })).toThrowError(message);
  });
});
