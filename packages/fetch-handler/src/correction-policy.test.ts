import { resolveModel } from "@claude-gemini/core";
import { describe, expect, it } from "vitest";
import { decideCorrection } from "./correction-policy.js";
import { readUpstreamFailure } from "./read-upstream-failure.js";
import { apiError, proxyError } from "./test-utils/create-upstream-errors.js";

describe("decideCorrection", () => {
  const capabilities = resolveModel("gemini-3.8-flash").capabilities;
  const minimal = apiError(
    400,
    "INVALID_ARGUMENT",
    [],
    "'minimal' is not a supported thinking level for this model. Allowed values are: low, medium, high",
  );
  it("corrects a refused level the call sent", () => {
    const sent = { thinkingConfig: { thinkingLevel: "MINIMAL" } } as never;
    const correction = decideCorrection(readUpstreamFailure(minimal), { capabilities, config: sent });
    expect(correction?.capabilities.thinking).toMatchObject({ style: "level" });
    expect(correction?.lesson).toEqual(expect.any(String));
  });
  it.each([
    ["a refusal of something the call did not send", minimal, { thinkingConfig: { thinkingLevel: "HIGH" } }],
    [
      "the same words inside a longer message",
      apiError(
        400,
        "INVALID_ARGUMENT",
        [],
        `Your prompt: ${"x".repeat(10)}\n'minimal' is not a supported thinking level for this model. Allowed values are: low, medium, high`,
      ),
      { thinkingConfig: { thinkingLevel: "MINIMAL" } },
    ],
    ["an overload", apiError(503, "UNAVAILABLE"), { thinkingConfig: { thinkingLevel: "MINIMAL" } }],
    ["the proxy's own error", proxyError(400), { thinkingConfig: { thinkingLevel: "MINIMAL" } }],
  ])("corrects nothing for %s", (_label, error, config) => {
    expect(
      decideCorrection(readUpstreamFailure(error), { capabilities, config: config as never }),
    ).toBeUndefined();
  });
});
