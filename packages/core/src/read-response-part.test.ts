import { describe, expect, it } from "vitest";
import type { GeminiPart } from "./gemini-api.js";
import { readResponsePart } from "./read-response-part.js";

const options = { toolNames: new Map<string, string>() };

describe("readResponsePart", () => {
  it.each<[keyof GeminiPart, unknown]>([
    ["executableCode", { code: "print(1)", language: "PYTHON" }],
    ["codeExecutionResult", { outcome: "OUTCOME_OK", output: "1" }],
    ["inlineData", { mimeType: "image/png", data: "AAAA" }],
    ["fileData", { mimeType: "image/png", fileUri: "gs://b/f.png" }],
    ["functionResponse", { name: "f", response: {} }],
    ["audioTranscription", { text: "hello" }],
  ])("drops a %s part with a warning that names it", (field, value) => {
    const item = readResponsePart({ [field]: value } as GeminiPart, options);
    expect(item).toEqual({ kind: "unsupported", field, warning: expect.stringContaining(field) });
  });

  it("names the first unsupported field in the documented order, and says a signature is lost", () => {
    const part = {
      audioTranscription: { text: "hello" },
      inlineData: { mimeType: "image/png", data: "AAAA" },
      codeExecutionResult: { outcome: "OUTCOME_OK" },
      thoughtSignature: "c2ln",
    } as GeminiPart;
    const item = readResponsePart(part, options);
    expect(item).toMatchObject({ kind: "unsupported", field: "codeExecutionResult" });
    expect(item).toHaveProperty("warning", expect.stringContaining("thought signature is lost"));
  });

  it("treats a field that is null as absent", () => {
    const part = { inlineData: null, text: "hi" } as unknown as GeminiPart;
    expect(readResponsePart(part, options)).toEqual({ kind: "text", text: "hi", signature: undefined });
  });

  it("prefers a function call to an unsupported field beside it", () => {
    const part = { functionCall: { name: "f", args: { a: 1 } }, inlineData: { data: "AAAA" } } as GeminiPart;
    expect(readResponsePart(part, options)).toMatchObject({ kind: "tool_call", name: "f", input: { a: 1 } });
  });
});
