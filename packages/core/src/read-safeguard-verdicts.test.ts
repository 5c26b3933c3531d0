import { describe, expect, it } from "vitest";
import type { GeminiGenerateContentResponse } from "./gemini-api.js";
import { readSafeguardVerdicts } from "./read-safeguard-verdicts.js";

const ALIASES = { call_1: "toolu_a", call_2: "toolu_b" };

function answer(text: string, extra: Record<string, unknown> = {}): GeminiGenerateContentResponse {
  return {
    candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", ...extra }],
  } as GeminiGenerateContentResponse;
}

function toolUsesOf(result: ReturnType<typeof readSafeguardVerdicts>) {
  const status = result.value.status;
  if (status.type !== "available") throw new Error(`unexpected status ${status.type}`);
  return status.tool_uses;
}

describe("readSafeguardVerdicts", () => {
  it("keys each verdict by its tool-use id, with the reason of a flagged call as explanation", () => {
    const result = readSafeguardVerdicts(
      answer(
        JSON.stringify({
          verdicts: [
            { call: "call_1", reason: "Deletes the home folder.", flagged: true },
            { call: "call_2", reason: "Runs the project's tests.", flagged: false },
          ],
        }),
      ),
      ALIASES,
    );
    expect(result.value.type).toBe("dangerous_tool_use");
    expect(toolUsesOf(result)).toEqual({
      // Claude Code adds its own full stop after the reason.
      toolu_a: { type: "evaluated", outcome: "flagged", explanation: "Deletes the home folder" },
      toolu_b: { type: "evaluated", outcome: "not_flagged" },
    });
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ["prose instead of JSON", answer("Both look fine to me."), "the answer is not JSON"],
    [
      "JSON cut by the output limit",
      answer('{"verdicts":[{"call":"call_1",', { finishReason: "MAX_TOKENS" }),
      "not JSON (finish reason MAX_TOKENS)",
    ],
    ["a blocked prompt", { promptFeedback: { blockReason: "SAFETY" } }, "the prompt was blocked (SAFETY)"],
    ["no candidate", {}, "no candidate"],
    ["an empty answer", answer("", { finishReason: "SAFETY" }), "no text (finish reason SAFETY)"],
    ["JSON without verdicts", answer('{"ok":true}'), "no verdicts list"],
  ])("fails safe on %s: every call is unavailable, never not flagged", (_name, response, problem) => {
    const result = readSafeguardVerdicts(response as GeminiGenerateContentResponse, ALIASES);
    expect(toolUsesOf(result)).toEqual({
      toolu_a: { type: "unavailable", reason: "error" },
      toolu_b: { type: "unavailable", reason: "error" },
    });
    expect(result.warnings).toEqual([expect.stringContaining(problem)]);
  });

  it("fails safe per call: a call the answer leaves out or misnames has no verdict", () => {
    const result = readSafeguardVerdicts(
      answer(
        JSON.stringify({
          verdicts: [
            { call: "call_2", reason: "Fine.", flagged: false },
            { call: "call_9", reason: "Fine.", flagged: false },
            { call: "call_1", reason: "Maybe.", flagged: "no" },
          ],
        }),
      ),
      ALIASES,
    );
    expect(toolUsesOf(result)).toEqual({
      toolu_a: { type: "unavailable", reason: "error" },
      toolu_b: { type: "evaluated", outcome: "not_flagged" },
    });
    expect(result.warnings).toEqual([
      expect.stringContaining('"call_9"'),
      expect.stringContaining('"call_1"'),
      "the classifier gave no verdict for call_1",
    ]);
  });

  it("lets flagged win when one call is judged twice, in either order", () => {
    for (const order of [
      [false, true],
      [true, false],
    ]) {
      const result = readSafeguardVerdicts(
        answer(
          JSON.stringify({ verdicts: order.map((flagged) => ({ call: "call_1", reason: "r", flagged })) }),
        ),
        { call_1: "toolu_a" },
      );
      expect(toolUsesOf(result).toolu_a).toMatchObject({ outcome: "flagged" });
    }
  });

  it("reads JSON in a code fence, skips thought parts, and gives a flagged call without reason a generic one", () => {
    const response = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "thinking about it", thought: true },
              { text: '```json\n{"verdicts":[{"call":"call_1","flagged":true}]}\n```' },
            ],
          },
          finishReason: "STOP",
        },
      ],
    } as GeminiGenerateContentResponse;
    expect(toolUsesOf(readSafeguardVerdicts(response, { call_1: "toolu_a" }))).toEqual({
      toolu_a: {
        type: "evaluated",
        outcome: "flagged",
        explanation: "The auto-mode check flagged this action as risky",
      },
    });
  });
});
