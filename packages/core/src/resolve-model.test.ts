import { describe, expect, it } from "vitest";
import type { ModelCapabilities } from "./model-capabilities.js";
import {
  DEFAULT_MODEL_CAPABILITIES,
  listBuiltInFamilyModels,
  listConfiguredModels,
  RETIRED_MODELS,
  resolveModel,
} from "./resolve-model.js";

describe("resolveModel: model names", () => {
  it.each<[string, string]>([
    ["claude-opus-5-5", "gemini-3.8-flash"],
    ["claude-sonnet-5-5", "gemini-3.8-flash"],
    ["claude-haiku-5-5", "gemini-3.5-flash-lite"],
    ["claude-opus-4-1-20250805", "gemini-3.8-flash"],
    ["claude-sonnet-4-5", "gemini-3.8-flash"],
    ["claude-3-7-sonnet-latest", "gemini-3.8-flash"],
    ["claude-haiku-4-5-20251001", "gemini-3.5-flash-lite"],
    ["claude-3-5-haiku-latest", "gemini-3.5-flash-lite"],
    ["anthropic/claude-haiku-4-5", "gemini-3.5-flash-lite"],
    ["Claude-Opus-5", "gemini-3.8-flash"],
    ["claude-fable-5-2", "gemini-3.8-flash"],
    ["claude-mystery-9", "gemini-3.8-flash"],
    ["gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
    ["models/gemini-3.1-pro-preview", "gemini-3.1-pro-preview"],
    ["google/gemini-3-flash-preview", "gemini-3-flash-preview"],
    ["gemini-flash-latest", "gemini-flash-latest"],
    ["gemini-4-neon", "gemini-4-neon"],
    ["  gemini-3.8-flash  ", "gemini-3.8-flash"],
    ["gpt-5", "gemini-3.8-flash"],
    ["", "gemini-3.8-flash"],
  ])("built-in mapping: %s → %s", (name, expected) => {
    expect(resolveModel(name).geminiModel).toBe(expected);
    expect(resolveModel(name).retired).toBeUndefined();
  });

  it("names only models that are not retired as built-in family defaults", () => {
    for (const model of Object.values(listBuiltInFamilyModels())) {
      expect(
        RETIRED_MODELS.some((entry) => entry.pattern.test(model)),
        model,
      ).toBe(false);
      expect(resolveModel(model).retired).toBeUndefined();
    }
  });

  it.each<[string, string, string]>([
    ["gemini-2.5-pro", "gemini-3.8-flash", "2026-12-01"],
    ["models/gemini-2.5-pro-preview-06-05", "gemini-3.8-flash", "2026-12-01"],
    ["gemini-2.5-flash", "gemini-3.5-flash-lite", "2026-12-01"],
    ["gemini-2.5-flash-preview-09-2025", "gemini-3.5-flash-lite", "2026-12-01"],
    ["gemini-3-pro-preview", "gemini-3.1-pro-preview", "2026-03-09"],
    ["gemini-2.0-flash", "gemini-2.5-flash-lite", "2026-06-01"],
    ["gemini-2.0-flash-lite-001", "gemini-2.5-flash-lite", "2026-06-01"],
  ])("a retired %s is served by %s, and says so", (name, successor, retiredOn) => {
    const result = resolveModel(name);
    expect(result.geminiModel).toBe(successor);
    expect(result.retired).toEqual({ requested: name.replace("models/", ""), successor, retiredOn });
    expect(result.capabilities).toEqual(resolveModel(successor).capabilities);
  });

  it("keeps 2.5 Flash-Lite, which is not retired, apart from 2.5 Flash", () => {
    expect(resolveModel("gemini-2.5-flash-lite").retired).toBeUndefined();
    expect(resolveModel("gemini-2.5-flash-lite-preview-06-17").retired).toBeUndefined();
  });

  it("sends a configured retired model to its successor too", () => {
    const result = resolveModel("claude-opus-5-5", { opusModel: "gemini-2.5-pro" });
    expect(result.geminiModel).toBe("gemini-3.8-flash");
    expect(result.retired?.requested).toBe("gemini-2.5-pro");
  });

  const options = {
    defaultModel: "models/gemini-3.1-pro-preview",
    opusModel: "gemini-4-neon",
    haikuModel: "gemini-3.6-flash",
  };
  it.each<[string, string]>([
    ["claude-opus-5-5", "gemini-4-neon"],
    ["claude-haiku-4-5", "gemini-3.6-flash"],
    // No sonnetModel configured: the default model, not the built-in choice.
    ["claude-sonnet-4-5", "gemini-3.1-pro-preview"],
    ["claude-instant-1", "gemini-3.1-pro-preview"],
    ["some-other-model", "gemini-3.1-pro-preview"],
    // A Gemini name is honoured even when a default is configured.
    ["gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
  ])("configured mapping: %s → %s", (name, expected) => {
    expect(resolveModel(name, options).geminiModel).toBe(expected);
  });

  it("treats blank configured names as unset", () => {
    expect(resolveModel("claude-haiku-4-5", { haikuModel: " ", defaultModel: "" }).geminiModel).toBe(
      "gemini-3.5-flash-lite",
    );
  });
});

describe("resolveModel: today's line-up", () => {
  const levels = (list: string[], defaultLevel?: string) => ({
    style: "level",
    levels: list,
    ...(defaultLevel ? { defaultLevel } : {}),
  });
  it.each<[string, Partial<ModelCapabilities>]>([
    [
      "gemini-2.5-flash-lite",
      {
        maxInputTokens: 1_048_576,
        maxOutputTokens: 65_536,
        thinking: { style: "budget", min: 512, max: 24_576, canDisable: true, defaultBudget: 0 },
        requiresThoughtSignatures: false,
        supportsFunctionResponseParts: false,
      },
    ],
    ["gemini-3-flash-preview", { thinking: levels(["MINIMAL", "LOW", "MEDIUM", "HIGH"], "HIGH") as never }],
    ["gemini-3.1-flash-lite", { thinking: levels(["MINIMAL", "LOW", "MEDIUM", "HIGH"], "MINIMAL") as never }],
    ["gemini-3.1-pro-preview", { thinking: levels(["LOW", "MEDIUM", "HIGH"], "HIGH") as never }],
    ["gemini-3.5-flash-lite", { thinking: levels(["MINIMAL", "LOW", "MEDIUM", "HIGH"], "MINIMAL") as never }],
    ["gemini-3.6-flash", { thinking: levels(["MINIMAL", "LOW", "MEDIUM", "HIGH"], "MEDIUM") as never }],
    ["gemini-3.7-flash", { thinking: levels(["LOW", "MEDIUM", "HIGH"], "MEDIUM") as never }],
    [
      "gemini-3.8-flash",
      {
        maxInputTokens: 1_048_576,
        maxOutputTokens: 65_536,
        thinking: levels(["LOW", "MEDIUM", "HIGH"], "MEDIUM") as never,
        requiresThoughtSignatures: true,
        supportsFunctionResponseParts: true,
      },
    ],
    ["gemini-4-argon", { thinking: levels(["LOW", "MEDIUM", "HIGH"], "MEDIUM") as never }],
    ["gemini-4-carbon", { thinking: levels(["LOW", "MEDIUM", "HIGH"], "MEDIUM") as never }],
    ["gemini-4-hydrogen", { thinking: levels(["LOW", "MEDIUM", "HIGH", "XHIGH"], "HIGH") as never }],
    ["gemini-4-neon", { thinking: levels(["LOW", "MEDIUM", "HIGH", "XHIGH"], "HIGH") as never }],
  ])("%s", (model, expected) => {
    expect(resolveModel(model).capabilities).toMatchObject(expected);
  });
});

describe("resolveModel: names no row knows follow their generation, the unplaceable the newest rules", () => {
  it.each<[string, ModelCapabilities["thinking"]]>([
    // Gemini 3 and later: levels, never a budget, only the levels every level model takes.
    ["gemini-3.9-flash", { style: "level", levels: ["LOW", "HIGH"] }],
    ["gemini-3.2-ultra", { style: "level", levels: ["LOW", "HIGH"] }],
    ["gemini-4-krypton", { style: "level", levels: ["LOW", "HIGH"] }],
    ["gemini-4.1-argon-preview", { style: "level", levels: ["LOW", "HIGH"] }],
    // Names the table cannot place at all: the newest rules.
    ["gemini-flash-latest", { style: "level", levels: ["LOW", "HIGH"] }],
    ["gemini-pro-latest", { style: "level", levels: ["LOW", "HIGH"] }],
    ["gemini-exp-1206", { style: "level", levels: ["LOW", "HIGH"] }],
    ["gemini-5-quark", { style: "level", levels: ["LOW", "HIGH"] }],
    // Older generations keep their own style.
    ["gemini-2.5-flash-image", { style: "budget", min: 512, max: 24_576, canDisable: false }],
    ["gemini-1.5-pro", { style: "none" }],
  ])("%s", (model, thinking) => {
    expect(resolveModel(model).capabilities.thinking).toEqual(thinking);
  });

  it("never gives a name the table does not know a budget unless it is a 2.5 name", () => {
    for (const model of ["gemini-x", "gemini-ultra", "gemini-10-flash", "gemini-3.99-pro", "gemini-4"]) {
      expect(resolveModel(model).capabilities.thinking.style, model).toBe("level");
    }
  });
});

describe("resolveModel: layers over the table", () => {
  it("resolves capabilities of the model a Claude name maps to", () => {
    expect(
      resolveModel("claude-haiku-4-5", { haikuModel: "gemini-3-flash-preview" }).capabilities.thinking,
    ).toEqual({ style: "level", levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"], defaultLevel: "HIGH" });
  });

  it("merges the most specific user entry over the built-in one", () => {
    const capabilities = {
      gemini: { maxOutputTokens: 1000 },
      "gemini-3.8": { maxOutputTokens: 32000, supportsFunctionResponseParts: false },
      "gemini-3.8-flash-x": { thinking: undefined },
    } satisfies Record<string, Partial<ModelCapabilities>>;
    const result = resolveModel("gemini-3.8-flash-x-2026", { capabilities }).capabilities;
    // The longest key wins alone; its undefined field does not erase the built-in value.
    expect(result).toEqual(DEFAULT_MODEL_CAPABILITIES["gemini-3.8-flash"]);
    const flash = resolveModel("gemini-3.8-flash", { capabilities }).capabilities;
    expect(flash).toEqual({
      ...DEFAULT_MODEL_CAPABILITIES["gemini-3.8-flash"],
      maxOutputTokens: 32000,
      supportsFunctionResponseParts: false,
    });
    expect(resolveModel("gemini-2.5-flash-lite", { capabilities }).capabilities.maxOutputTokens).toBe(1000);
  });

  it("puts what the service reports under the user's entries, and proven corrections over both", () => {
    const result = resolveModel("gemini-3.6-flash", {
      discovered: () => ({ maxInputTokens: 500_000, maxOutputTokens: 30_000 }),
      capabilities: { "gemini-3.6": { maxOutputTokens: 20_000 } },
      learned: () => ({ thinking: { style: "level", levels: ["LOW", "MEDIUM", "HIGH"] } }),
    }).capabilities;
    expect(result.maxInputTokens).toBe(500_000);
    expect(result.maxOutputTokens).toBe(20_000);
    expect(result.thinking).toEqual({ style: "level", levels: ["LOW", "MEDIUM", "HIGH"] });
  });

  it("asks the layers about the model that serves the request, successors included", () => {
    const asked: string[] = [];
    resolveModel("gemini-2.5-pro", {
      discovered: (model) => {
        asked.push(model);
        return undefined;
      },
    });
    expect(asked).toEqual(["gemini-3.8-flash"]);
  });

  it("lets a user describe a model the table does not know", () => {
    const result = resolveModel("models/gemini-experimental-x", {
      capabilities: { "gemini-experimental": { thinking: { style: "level", levels: ["HIGH"] } } },
    });
    expect(result.geminiModel).toBe("gemini-experimental-x");
    expect(result.capabilities.thinking).toEqual({ style: "level", levels: ["HIGH"] });
    expect(result.capabilities.maxOutputTokens).toBe(65536);
  });

  it("keeps the built-in table immutable", () => {
    const { capabilities } = resolveModel("gemini-3.8-flash");
    expect(() => {
      (capabilities as { maxOutputTokens: number }).maxOutputTokens = 1;
    }).toThrow(TypeError);
    expect(resolveModel("gemini-3.8-flash").capabilities.maxOutputTokens).toBe(65536);
  });

  it("gives every built-in entry a legal thinking description", () => {
    for (const [key, capabilities] of Object.entries(DEFAULT_MODEL_CAPABILITIES)) {
      const thinking = capabilities.thinking;
      if (thinking.style === "budget") {
        expect(thinking.min, key).toBeGreaterThan(0);
        expect(thinking.max, key).toBeGreaterThanOrEqual(thinking.min);
        expect(thinking.max, key).toBeLessThan(capabilities.maxOutputTokens);
      }
      if (thinking.style === "level") {
        expect(thinking.levels.length, key).toBeGreaterThan(0);
        if (thinking.defaultLevel) expect(thinking.levels, key).toContain(thinking.defaultLevel);
      }
    }
  });
});

describe("listConfiguredModels", () => {
  it("lists the built-in defaults without configuration", () => {
    expect(listConfiguredModels()).toEqual(["gemini-3.8-flash", "gemini-3.5-flash-lite"]);
  });

  it("lists only what the configuration routes to: no built-in a configured family replaced", () => {
    expect(
      listConfiguredModels({
        defaultModel: "models/gemini-3.1-pro-preview",
        opusModel: "gemini-4-neon",
        sonnetModel: "gemini-3.1-pro-preview",
        haikuModel: "gemini-3.6-flash",
      }),
    ).toEqual(["gemini-3.1-pro-preview", "gemini-4-neon", "gemini-3.6-flash"]);
    expect(listConfiguredModels({ opusModel: "gemini-4-neon" })).toEqual([
      "gemini-4-neon",
      "gemini-3.8-flash",
      "gemini-3.5-flash-lite",
    ]);
  });

  it("lists a configured retired model as its successor", () => {
    expect(listConfiguredModels({ defaultModel: "gemini-2.5-pro", haikuModel: "gemini-2.5-flash" })).toEqual([
      "gemini-3.8-flash",
      "gemini-3.5-flash-lite",
    ]);
  });
});
