import { describe, expect, it } from "vitest";
import { correctModelCapabilities } from "./correct-model-capabilities.js";
import type { SettingRejection } from "./read-gemini-failure.js";
import { resolveModel } from "./resolve-model.js";

const flash36 = resolveModel("gemini-3.6-flash").capabilities;
const unknown = resolveModel("gemini-5-quark").capabilities;

describe("correctModelCapabilities", () => {
  it("takes the allowed levels the service listed, for the level that was sent", () => {
    const rejection: SettingRejection = {
      setting: "thinkingLevel",
      rejected: "MINIMAL",
      allowed: ["MEDIUM", "LOW", "HIGH"],
    };
    const correction = correctModelCapabilities(flash36, rejection, {
      thinkingConfig: { thinkingLevel: "MINIMAL" as never },
    });
    expect(correction?.capabilities.thinking).toEqual({
      style: "level",
      levels: ["LOW", "MEDIUM", "HIGH"],
      defaultLevel: "MEDIUM",
    });
  });

  it("drops a refused level when the service lists none", () => {
    const correction = correctModelCapabilities(
      flash36,
      { setting: "thinkingLevel", rejected: "MINIMAL" },
      {
        thinkingConfig: { thinkingLevel: "MINIMAL" as never },
      },
    );
    expect(correction?.capabilities.thinking).toMatchObject({ levels: ["LOW", "MEDIUM", "HIGH"] });
  });

  it("learns nothing when the rejection does not name what was sent", () => {
    const rejection: SettingRejection = { setting: "thinkingLevel", rejected: "MINIMAL", allowed: ["LOW"] };
    expect(
      correctModelCapabilities(flash36, rejection, { thinkingConfig: { thinkingLevel: "HIGH" as never } }),
    ).toBeUndefined();
    expect(correctModelCapabilities(flash36, rejection, {})).toBeUndefined();
    expect(
      correctModelCapabilities(
        flash36,
        { setting: "maxOutputTokens", rejected: 9000, max: 100 },
        { maxOutputTokens: 65536 },
      ),
    ).toBeUndefined();
    expect(
      correctModelCapabilities(
        flash36,
        { setting: "thinkingBudget", problem: "levels-only" },
        { thinkingConfig: { thinkingLevel: "LOW" as never } },
      ),
    ).toBeUndefined();
  });

  it("moves a model between levels and budgets", () => {
    const toLevels = correctModelCapabilities(
      resolveModel("gemini-2.5-flash-lite").capabilities,
      { setting: "thinkingBudget", problem: "levels-only" },
      {
        thinkingConfig: { thinkingBudget: 512 },
      },
    );
    expect(toLevels?.capabilities.thinking).toEqual({ style: "level", levels: ["LOW", "HIGH"] });
    const toBudgets = correctModelCapabilities(
      unknown,
      { setting: "thinkingLevel", problem: "budgets-only" },
      {
        thinkingConfig: { thinkingLevel: "LOW" as never },
      },
    );
    expect(toBudgets?.capabilities.thinking).toEqual({
      style: "budget",
      min: 512,
      max: 24576,
      canDisable: false,
    });
  });

  it("takes a budget range and an output limit from the service", () => {
    const budget = resolveModel("gemini-2.5-flash-lite").capabilities;
    expect(
      correctModelCapabilities(
        budget,
        { setting: "thinkingBudget", rejected: 20000, min: 128, max: 16384, canDisable: false },
        {
          thinkingConfig: { thinkingBudget: 20000 },
        },
      )?.capabilities.thinking,
    ).toEqual({ style: "budget", min: 128, max: 16384, canDisable: false });
    expect(
      correctModelCapabilities(
        flash36,
        { setting: "maxOutputTokens", rejected: 65536, max: 32768 },
        { maxOutputTokens: 65536 },
      )?.capabilities,
    ).toEqual({ maxOutputTokens: 32768 });
  });
});
