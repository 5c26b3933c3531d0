import type { GeminiGenerateContentParameters } from "@claude-gemini/core";
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from "@claude-gemini/core";
import { describe, expect, it } from "vitest";
import { replaceForeignSignatures } from "./replace-foreign-signatures.js";

const parameters: GeminiGenerateContentParameters = {
  model: "gemini-3.8-flash",
  contents: [
    { role: "user", parts: [{ text: "List files." }] },
    {
      role: "model",
      parts: [
        { text: "Planning.", thought: true, thoughtSignature: "sig-thought" },
        { text: "Sure.", thoughtSignature: "sig-text" },
        { functionCall: { name: "Bash", args: { command: "ls" } }, thoughtSignature: "sig-call" },
        { functionCall: { name: "Bash", args: { command: "pwd" } } },
        { text: "", thoughtSignature: "sig-empty" },
      ],
    },
    { role: "user", parts: [{ functionResponse: { name: "Bash", response: { output: "a" } } }] },
    { role: "model", parts: [{ text: "Only thinking.", thought: true, thoughtSignature: "sig-2" }] },
    { role: "user", parts: [{ text: "Go on." }] },
  ],
};

describe("replaceForeignSignatures", () => {
  it("drops every signature and signature-only part for a model that does not validate them", () => {
    const { value, replaced } = replaceForeignSignatures(parameters, { requiresThoughtSignatures: false });
    expect(replaced).toBe(5);
    expect(value.contents).toEqual([
      { role: "user", parts: [{ text: "List files." }] },
      {
        role: "model",
        parts: [
          { text: "Sure." },
          { functionCall: { name: "Bash", args: { command: "ls" } } },
          { functionCall: { name: "Bash", args: { command: "pwd" } } },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "Bash", response: { output: "a" } } }] },
      { role: "user", parts: [{ text: "Go on." }] },
    ]);
    // The input is not touched: the primary model's request may still be retried.
    expect(JSON.stringify(parameters)).toContain("sig-call");
  });

  it("puts the documented placeholder on the first call of each step for a model that validates them", () => {
    const { value } = replaceForeignSignatures(parameters, { requiresThoughtSignatures: true });
    const calls = (value.contents as { parts: Record<string, unknown>[] }[])
      .flatMap((content) => content.parts)
      .filter((part) => part.functionCall !== undefined);
    expect(calls.map((part) => part.thoughtSignature)).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR, undefined]);
  });
});
