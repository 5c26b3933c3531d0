import { describe, expect, it } from "vitest";
import {
  decodeServerToolPart,
  decodeThinkingSignature,
  decodeToolUseIdCallId,
  decodeToolUseIdModel,
  decodeToolUseIdSignature,
  encodeServerToolPart,
  encodeThinkingSignature,
  encodeToolUseId,
} from "./thought-signature.js";

describe("thought signature carriers name the model that issued them", () => {
  it.each([
    ["thought", "CiQB0e2Kb+3vX/9QzR7pLm4sT2wY8aN1cG6dHjF0kU5iO3eRqW+yZ/A=", "gemini-3.8-flash"],
    ["text", "dGV4dA==", "gemini-3.1-pro-preview"],
    ["empty", "ZW1wdHk=", "models/gemini-4-argon"],
  ] as const)("a %s carrier round-trips with its model", (kind, signature, model) => {
    const encoded = encodeThinkingSignature(kind, signature, model);
    expect(encoded.startsWith("cgm2.")).toBe(true);
    expect(decodeThinkingSignature(encoded)).toEqual({ kind, signature, model });
  });

  it("reads first-format carriers, which name no model", () => {
    expect(decodeThinkingSignature("cgm1.t.c2lnbmF0dXJl")).toEqual({
      kind: "thought",
      signature: "c2lnbmF0dXJl",
    });
    expect(decodeThinkingSignature("cgm1.p.dGV4dA==")).toEqual({ kind: "text", signature: "dGV4dA==" });
    expect(encodeThinkingSignature("thought", "c2ln")).toBe("cgm1.t.c2ln");
  });

  it.each([
    ["", "empty"],
    ["EqQBCkYIBxgCKkA", "an Anthropic signature"],
    ["cgm2.t.", "no model, no signature"],
    ["cgm2.t.Z2VtaW5p", "a model without a signature"],
    ["cgm2.t..c2ln", "an empty model"],
    ["cgm2.t.!!!.c2ln", "a model that is not base64url"],
    ["cgm2.x.Z2VtaW5p.c2ln", "an unknown kind"],
    ["cgm1.t.", "a first-format carrier without a signature"],
  ])("refuses %j (%s)", (value) => {
    expect(decodeThinkingSignature(value)).toBeUndefined();
  });

  it("puts the model in the tool_use id, between the call id and the signature", () => {
    const id = encodeToolUseId("abc", "Q2FsbA+/", "fc-7", "gemini-3.8-flash");
    expect(id).toMatch(/^toolu_abc__gi1_[\w-]+__gm1_[\w-]+__gs1_[\w-]+$/);
    expect(decodeToolUseIdSignature(id)).toBe("Q2FsbA+/");
    expect(decodeToolUseIdCallId(id)).toBe("fc-7");
    expect(decodeToolUseIdModel(id)).toBe("gemini-3.8-flash");
  });

  it("reads ids of the first format and ids without a signature", () => {
    const legacy = "toolu_id2__gs1_CsoBAY89a1-Hq3Rm0WcZ7uT9yPb2LdN4eK6sFv1jG8xQ5oA_iM0rE3hYw2gD7nUk";
    const signature = decodeToolUseIdSignature(legacy);
    expect(signature).toMatch(/^CsoBAY89a1\+Hq3Rm0WcZ7uT9yPb2LdN4eK6sFv1jG8xQ5oA\/iM0rE3hYw2gD7nUk=*$/);
    expect(encodeToolUseId("id2", signature)).toBe(legacy);
    expect(decodeToolUseIdModel(legacy)).toBeUndefined();
    // No signature: no model to name.
    expect(encodeToolUseId("abc", undefined, "fc-7", "gemini-3.8-flash")).toBe(
      encodeToolUseId("abc", undefined, "fc-7"),
    );
    expect(decodeToolUseIdModel("toolu_plain")).toBeUndefined();
  });

  it("wraps a server-side tool part with its model", () => {
    const part = {
      toolCall: { toolType: "GOOGLE_SEARCH_WEB", args: { query: "q" } },
      thoughtSignature: "c2ln",
    };
    const decoded = decodeThinkingSignature(encodeServerToolPart(part as never, "gemini-3.8-flash"));
    expect(decoded).toMatchObject({ kind: "server", model: "gemini-3.8-flash" });
    expect(decodeServerToolPart(decoded!.signature)).toEqual(part);
  });
});
