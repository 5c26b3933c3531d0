import { describe, expect, it } from "vitest";
import { readGeminiResponse } from "./read-gemini-response.js";

describe("readGeminiResponse", () => {
  it("keeps the response's own fields and nothing beside them", () => {
    const fields = {
      candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, finishReason: "STOP" }],
      createTime: "2026-12-07T00:00:00Z",
      modelVersion: "gemini-3.5-flash",
      promptFeedback: { blockReason: "OTHER" },
      responseId: "r1",
      usageMetadata: { promptTokenCount: 3, totalTokenCount: 5 },
      modelStatus: { modelStage: "STABLE" },
    };
    const read = readGeminiResponse({ ...fields, sdkHttpResponse: { headers: {} }, gatewayNote: "x" });
    expect(read).toEqual(fields);
    expect(Object.keys(read)).toEqual(Object.keys(fields));
  });

  it("leaves out null and absent fields", () => {
    expect(readGeminiResponse({ candidates: null, responseId: "r2", usageMetadata: undefined })).toEqual({
      responseId: "r2",
    });
  });

  it("reads anything that is not an object as an empty response", () => {
    for (const value of [null, undefined, 3, "text", [{ candidates: [] }], true]) {
      expect(readGeminiResponse(value)).toEqual({});
    }
  });
});
