import { describe, expect, it } from "vitest";
import type { ModelCapabilities } from "./model-capabilities.js";
import { DEFAULT_MODEL_CAPABILITIES, listConfiguredModels, resolveModel } from "./resolve-model.js";

describe("resolveModel: model names", () => {
  it.each<[string, string]>([
    ["claude-opus-5-5", "gemini-2.5-pro"],
    ["claude-opus-4-1-20250805", "gemini-2.5-pro"],
    ["claude-sonnet-4-5", "gemini-2.5-pro"],
    ["claude-3-7-sonnet-latest", "gemini-2.5-pro"],
    ["claude-haiku-4-5-20251001", "gemini-2.5-flash"],
    ["claude-3-5-haiku-latest", "gemini-2.5-flash"],
    ["anthropic/claude-haiku-4-5", "gemini-2.5-flash"],
    ["Claude-Opus-5", "gemini-2.5-pro"],
    ["claude-mystery-9", "gemini-2.5-pro"],
    ["gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
    ["models/gemini-3-pro-preview", "gemini-3-pro-preview"],
    ["google/gemini-3-flash-preview", "gemini-3-flash-preview"],
    ["gemini-flash-latest", "gemini-flash-latest"],
    ["  gemini-2.5-pro  ", "gemini-2.5-pro"],
    ["gpt-5", "gemini-2.5-pro"],
    ["", "gemini-2.5-pro"],
  ])("built-in mapping: %s → %s", (name, expected) => {
    expect(resolveModel(name).geminiModel).toBe(expected);
  });

  const options = {
    defaultModel: "models/gemini-3-pro-preview",
    opusModel: "gemini-3.1-pro-preview",
    haikuModel: "gemini-3-flash-preview",
  };
  it.each<[string, string]>([
    ["claude-opus-5-5", "gemini-3.1-pro-preview"],
    ["claude-haiku-4-5", "gemini-3-flash-preview"],
    // No sonnetModel configured: the default model, not the built-in choice.
    ["claude-sonnet-4-5", "gemini-3-pro-preview"],
    ["claude-instant-1", "gemini-3-pro-preview"],
    ["some-other-model", "gemini-3-pro-preview"],
    // A Gemini name is honoured even when a default is configured.
    ["gemini-2.5-flash", "gemini-2.5-flash"],
  ])("configured mapping: %s → %s", (name, expected) => {
    expect(resolveModel(name, options).geminiModel).toBe(expected);
  });

  it("treats blank configured names as unset", () => {
    expect(resolveModel("claude-haiku-4-5", { haikuModel: " ", defaultModel: "" }).geminiModel).toBe(
      "gemini-2.5-flash",
    );
  });
});

describe("resolveModel: capabilities", () => {
  it.each<[string, Partial<ModelCapabilities>]>([
    [
      "gemini-2.5-pro",
      {
        maxOutputTokens: 65536,
        thinking: { style: "budget", min: 128, max: 32768, canDisable: false },
        requiresThoughtSignatures: false,
        supportsJsonSchema: true,
        supportsFunctionResponseParts: false,
      },
    ],
    [
      "gemini-2.5-pro-preview-06-05",
      { thinking: { style: "budget", min: 128, max: 32768, canDisable: false } },
    ],
    ["gemini-2.5-flash", { thinking: { style: "budget", min: 1, max: 24576, canDisable: true } }],
    [
      "gemini-2.5-flash-preview-09-2025",
      { thinking: { style: "budget", min: 1, max: 24576, canDisable: true } },
    ],
    ["gemini-2.5-flash-lite", { thinking: { style: "budget", min: 512, max: 24576, canDisable: true } }],
    [
      "gemini-3-pro-preview",
      {
        maxOutputTokens: 65536,
        thinking: { style: "level", levels: ["LOW", "HIGH"] },
        requiresThoughtSignatures: true,
        supportsJsonSchema: true,
        supportsFunctionResponseParts: true,
      },
    ],
    ["gemini-3.1-pro-preview", { thinking: { style: "level", levels: ["LOW", "HIGH"] } }],
    [
      "gemini-3-flash-preview",
      {
        thinking: { style: "level", levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"] },
        requiresThoughtSignatures: true,
      },
    ],
    ["gemini-3.5-flash", { thinking: { style: "level", levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"] } }],
    [
      "gemini-3.2-ultra",
      { thinking: { style: "level", levels: ["LOW", "HIGH"] }, requiresThoughtSignatures: true },
    ],
    [
      "gemini-2.0-flash",
      {
        maxOutputTokens: 8192,
        thinking: { style: "none" },
        supportsJsonSchema: false,
        requiresThoughtSignatures: false,
      },
    ],
    ["gemini-2.0-flash-lite-001", { maxOutputTokens: 8192, thinking: { style: "none" } }],
    [
      "gemini-flash-latest",
      {
        maxOutputTokens: 65536,
        thinking: { style: "budget", min: 512, max: 24576, canDisable: false },
        requiresThoughtSignatures: true,
        supportsFunctionResponseParts: false,
      },
    ],
  ])("%s", (model, expected) => {
    expect(resolveModel(model).capabilities).toMatchObject(expected);
  });

  it("resolves capabilities of the model a Claude name maps to", () => {
    expect(
      resolveModel("claude-haiku-4-5", { haikuModel: "gemini-3-flash-preview" }).capabilities.thinking,
    ).toEqual({
      style: "level",
      levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"],
    });
  });

  it("merges the most specific user entry over the built-in one", () => {
    const capabilities = {
      gemini: { maxOutputTokens: 1000 },
      "gemini-3-pro": { maxOutputTokens: 32000, supportsFunctionResponseParts: false },
      "gemini-3-pro-preview-11": { thinking: undefined },
    } satisfies Record<string, Partial<ModelCapabilities>>;
    const result = resolveModel("gemini-3-pro-preview-11-2025", { capabilities }).capabilities;
    // The longest key wins alone; its undefined field does not erase the built-in value.
    expect(result).toEqual(DEFAULT_MODEL_CAPABILITIES["gemini-3*-pro"]);
    const pro = resolveModel("gemini-3-pro-preview", { capabilities }).capabilities;
    expect(pro).toEqual({
      ...DEFAULT_MODEL_CAPABILITIES["gemini-3*-pro"],
      maxOutputTokens: 32000,
      supportsFunctionResponseParts: false,
    });
    expect(resolveModel("gemini-2.5-flash", { capabilities }).capabilities.maxOutputTokens).toBe(1000);
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
    const { capabilities } = resolveModel("gemini-2.5-pro");
    expect(() => {
      (capabilities as { maxOutputTokens: number }).maxOutputTokens = 1;
    }).toThrow(TypeError);
    expect(resolveModel("gemini-2.5-pro").capabilities.maxOutputTokens).toBe(65536);
  });

  it("gives every built-in entry a legal thinking description", () => {
    for (const [key, capabilities] of Object.entries(DEFAULT_MODEL_CAPABILITIES)) {
      const thinking = capabilities.thinking;
      if (thinking.style === "budget") {
        expect(thinking.min, key).toBeGreaterThan(0);
        expect(thinking.max, key).toBeGreaterThanOrEqual(thinking.min);
        expect(thinking.max, key).toBeLessThan(capabilities.maxOutputTokens);
      }
      if (thinking.style === "level") expect(thinking.levels.length, key).toBeGreaterThan(0);
    }
  });
});

describe("listConfiguredModels", () => {
  it("lists the built-in defaults without configuration", () => {
    expect(listConfiguredModels()).toEqual(["gemini-2.5-pro", "gemini-2.5-flash"]);
  });

  it("lists configured models first, normalised and without duplicates", () => {
    expect(
      listConfiguredModels({
        defaultModel: "models/gemini-3-pro-preview",
        opusModel: "gemini-3-pro-preview",
        sonnetModel: "gemini-2.5-pro",
        haikuModel: "gemini-3-flash-preview",
      }),
    ).toEqual(["gemini-3-pro-preview", "gemini-2.5-pro", "gemini-3-flash-preview", "gemini-2.5-flash"]);
  });
});
