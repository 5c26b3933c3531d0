import fc from "fast-check";
import { describe, expect, it } from "vitest";
import claudeCodeBody from "./__fixtures__/requests/claude-code-2.1.json" with { type: "json" };
import { type MessagesRequest, messagesRequestSchema } from "./anthropic-api.js";
import { convertGenerationConfig } from "./convert-generation-config.js";
import type { GeminiGenerateContentConfig, GeminiThinkingLevel } from "./gemini-api.js";
import type { ModelCapabilities } from "./model-capabilities.js";
import { resolveModel } from "./resolve-model.js";
import { validateMessagesRequest } from "./validate-messages-request.js";

/** Fails unless Gemini would accept `config` for a model with `capabilities`. */
function assertLegalThinkingConfig(
  config: GeminiGenerateContentConfig,
  capabilities: ModelCapabilities,
): void {
  expect(config.maxOutputTokens).toBeGreaterThanOrEqual(1);
  expect(config.maxOutputTokens).toBeLessThanOrEqual(capabilities.maxOutputTokens);
  const thinking = config.thinkingConfig;
  const style = capabilities.thinking;
  if (style.style === "none") {
    expect(thinking).toBeUndefined();
    return;
  }
  expect(thinking).toBeDefined();
  if (style.style === "budget") {
    expect(thinking?.thinkingLevel).toBeUndefined();
    const budget = thinking?.thinkingBudget;
    expect(Number.isInteger(budget)).toBe(true);
    if (budget === -1) return;
    if (budget === 0) {
      expect(style.canDisable).toBe(true);
      expect(thinking?.includeThoughts).not.toBe(true);
      return;
    }
    expect(budget).toBeGreaterThanOrEqual(style.min);
    expect(budget).toBeLessThanOrEqual(style.max);
    // Below the output limit, unless the model's own minimum forces otherwise.
    if (budget !== style.min) expect(budget).toBeLessThan(config.maxOutputTokens!);
    return;
  }
  expect(thinking?.thinkingBudget).toBeUndefined();
  expect(style.levels).toContain(thinking?.thinkingLevel);
}

/** A budget model's rules on today's 2.5 base: the shapes of the retired 2.5 Pro and Flash stay worth testing. */
function budgetModel(min: number, max: number, canDisable: boolean): ModelCapabilities {
  return {
    ...resolveModel("gemini-2.5-flash-lite").capabilities,
    thinking: { style: "budget", min, max, canDisable },
  };
}

const MODELS = {
  "2.5 Pro": budgetModel(128, 32_768, false),
  "2.5 Flash": budgetModel(1, 24_576, true),
  "2.5 Flash-Lite": resolveModel("gemini-2.5-flash-lite").capabilities,
  // The retired 3 Pro Preview took LOW and HIGH only: the level set unknown names get today.
  "3 Pro": {
    ...resolveModel("gemini-3.8-flash").capabilities,
    thinking: { style: "level", levels: ["LOW", "HIGH"] },
  },
  "3 Flash": resolveModel("gemini-3-flash-preview").capabilities,
  "3.1 Pro": resolveModel("gemini-3.1-pro-preview").capabilities,
  "3.8 Flash": resolveModel("gemini-3.8-flash").capabilities,
  "4 Argon": resolveModel("gemini-4-argon").capabilities,
  "4 Hydrogen": resolveModel("gemini-4-hydrogen").capabilities,
  "2.0 Flash": { ...resolveModel("gemini-1.5-pro").capabilities },
  "unknown Gemini": resolveModel("gemini-flash-latest").capabilities,
} satisfies Record<string, ModelCapabilities>;
type ModelName = keyof typeof MODELS;

type ThinkingForm =
  | "absent"
  | "disabled"
  | "enabled 1024"
  | "enabled 8000"
  | "enabled 60000"
  | "adaptive"
  | "adaptive omitted"
  | "between_tools";
const THINKING_FORMS = {
  absent: undefined,
  disabled: { type: "disabled" },
  "enabled 1024": { type: "enabled", budget_tokens: 1024 },
  "enabled 8000": { type: "enabled", budget_tokens: 8000 },
  "enabled 60000": { type: "enabled", budget_tokens: 60000 },
  adaptive: { type: "adaptive" },
  "adaptive omitted": { type: "adaptive", display: "omitted" },
  between_tools: { type: "between_tools" },
} satisfies Record<ThinkingForm, unknown>;

const EFFORTS = [undefined, "low", "medium", "high", "xhigh", "max", "turbo"] as const;

function makeRequest(fields: Record<string, unknown>): MessagesRequest {
  return messagesRequestSchema.parse({
    model: "claude-opus-5-5",
    max_tokens: 128000,
    messages: [{ role: "user", content: "Hi" }],
    ...fields,
  });
}

function requestFor(form: ThinkingForm, effort: string | undefined, maxTokens = 128000): MessagesRequest {
  return makeRequest({
    max_tokens: maxTokens,
    thinking: THINKING_FORMS[form],
    output_config: effort === undefined ? undefined : { effort },
  });
}

describe("convertGenerationConfig: every model × thinking form × effort is legal", () => {
  const cases: [ModelName, ThinkingForm, string | undefined, number][] = [];
  for (const model of Object.keys(MODELS) as ModelName[]) {
    for (const form of Object.keys(THINKING_FORMS) as ThinkingForm[]) {
      for (const effort of EFFORTS) {
        for (const maxTokens of [128000, 4096, 1000]) cases.push([model, form, effort, maxTokens]);
      }
    }
  }

  it.each(cases)("%s, thinking %s, effort %s, max_tokens %d", (model, form, effort, maxTokens) => {
    const capabilities = MODELS[model];
    const result = convertGenerationConfig(requestFor(form, effort, maxTokens), capabilities);
    assertLegalThinkingConfig(result.value, capabilities);
    const asked = form.startsWith("enabled") || form.startsWith("adaptive") || form === "between_tools";
    const thinkingConfig = result.value.thinkingConfig;
    expect(thinkingConfig?.includeThoughts === true).toBe(asked && capabilities.thinking.style !== "none");
    expect(result.showThinking).toBe(
      asked && form !== "adaptive omitted" && capabilities.thinking.style !== "none",
    );
  });
});

describe("convertGenerationConfig: thinking choices", () => {
  it.each<[ModelName, ThinkingForm, string | undefined, number, Record<string, unknown> | undefined]>([
    ["2.5 Pro", "enabled 8000", undefined, 128000, { thinkingBudget: 8000, includeThoughts: true }],
    ["2.5 Pro", "enabled 60000", undefined, 128000, { thinkingBudget: 32768, includeThoughts: true }],
    ["2.5 Pro", "enabled 8000", undefined, 5000, { thinkingBudget: 4999, includeThoughts: true }],
    ["2.5 Pro", "disabled", "max", 128000, { thinkingBudget: 128 }],
    ["2.5 Pro", "absent", undefined, 128000, { thinkingBudget: 128 }],
    ["2.5 Pro", "adaptive", undefined, 128000, { thinkingBudget: -1, includeThoughts: true }],
    ["2.5 Pro", "adaptive", "low", 128000, { thinkingBudget: 1760, includeThoughts: true }],
    ["2.5 Pro", "adaptive", "medium", 128000, { thinkingBudget: 8288, includeThoughts: true }],
    ["2.5 Pro", "adaptive", "high", 128000, { thinkingBudget: -1, includeThoughts: true }],
    ["2.5 Pro", "adaptive", "xhigh", 128000, { thinkingBudget: 24608, includeThoughts: true }],
    ["2.5 Pro", "adaptive", "max", 128000, { thinkingBudget: 32768, includeThoughts: true }],
    ["2.5 Pro", "adaptive", "max", 10000, { thinkingBudget: 9999, includeThoughts: true }],
    ["2.5 Pro", "absent", "low", 128000, { thinkingBudget: 1760 }],
    ["2.5 Flash", "disabled", undefined, 128000, { thinkingBudget: 0 }],
    ["2.5 Flash", "absent", undefined, 128000, { thinkingBudget: 0 }],
    ["2.5 Flash", "enabled 1024", undefined, 128000, { thinkingBudget: 1024, includeThoughts: true }],
    ["2.5 Flash", "enabled 60000", undefined, 128000, { thinkingBudget: 24576, includeThoughts: true }],
    ["2.5 Flash-Lite", "absent", "low", 128000, { thinkingBudget: 1715 }],
    ["2.5 Flash-Lite", "disabled", undefined, 128000, { thinkingBudget: 0 }],
    ["3 Pro", "absent", undefined, 128000, { thinkingLevel: "LOW" }],
    ["3 Pro", "disabled", "max", 128000, { thinkingLevel: "LOW" }],
    ["3 Pro", "adaptive", undefined, 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["3 Pro", "adaptive", "low", 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    // MEDIUM is equally far from LOW and HIGH; the client asked for thinking, so HIGH.
    ["3 Pro", "adaptive", "medium", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["3 Pro", "enabled 1024", undefined, 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["3 Pro", "enabled 8000", undefined, 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["3 Flash", "absent", undefined, 128000, { thinkingLevel: "MINIMAL" }],
    ["3 Flash", "disabled", undefined, 128000, { thinkingLevel: "MINIMAL" }],
    ["3 Flash", "absent", "medium", 128000, { thinkingLevel: "MEDIUM" }],
    ["3 Flash", "adaptive", "medium", 128000, { thinkingLevel: "MEDIUM", includeThoughts: true }],
    ["3 Flash", "adaptive", "xhigh", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["3 Flash", "adaptive omitted", "low", 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["3 Flash", "enabled 1024", "max", 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["3 Flash", "enabled 8000", undefined, 128000, { thinkingLevel: "MEDIUM", includeThoughts: true }],
    ["3 Flash", "enabled 60000", undefined, 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["2.0 Flash", "adaptive", "high", 128000, undefined],
    // Names the table cannot place get the newest rules: levels only, LOW and HIGH.
    ["unknown Gemini", "disabled", undefined, 128000, { thinkingLevel: "LOW" }],
    ["unknown Gemini", "absent", undefined, 128000, { thinkingLevel: "LOW" }],
    ["unknown Gemini", "adaptive", undefined, 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["unknown Gemini", "enabled 60000", undefined, 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["unknown Gemini", "adaptive", "max", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    // 3.8 Flash has no MINIMAL: Claude Code's background calls (no thinking) get LOW.
    ["3.8 Flash", "absent", undefined, 128000, { thinkingLevel: "LOW" }],
    ["3.8 Flash", "disabled", undefined, 128000, { thinkingLevel: "LOW" }],
    ["3.8 Flash", "adaptive", "medium", 128000, { thinkingLevel: "MEDIUM", includeThoughts: true }],
    ["3.8 Flash", "adaptive", "xhigh", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["3.8 Flash", "adaptive", "max", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["3.8 Flash", "enabled 1024", undefined, 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["3.8 Flash", "enabled 8000", undefined, 128000, { thinkingLevel: "MEDIUM", includeThoughts: true }],
    ["3.8 Flash", "between_tools", undefined, 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["3.1 Pro", "absent", undefined, 128000, { thinkingLevel: "LOW" }],
    ["3.1 Pro", "adaptive", "medium", 128000, { thinkingLevel: "MEDIUM", includeThoughts: true }],
    // Gemini 4: never a budget; XHIGH where the model has it, its highest level elsewhere.
    ["4 Hydrogen", "absent", undefined, 128000, { thinkingLevel: "LOW" }],
    ["4 Hydrogen", "adaptive", "xhigh", 128000, { thinkingLevel: "XHIGH", includeThoughts: true }],
    ["4 Hydrogen", "adaptive", "max", 128000, { thinkingLevel: "XHIGH", includeThoughts: true }],
    ["4 Hydrogen", "absent", "max", 128000, { thinkingLevel: "XHIGH" }],
    ["4 Hydrogen", "adaptive", "high", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["4 Hydrogen", "enabled 60000", undefined, 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["4 Argon", "adaptive", "max", 128000, { thinkingLevel: "HIGH", includeThoughts: true }],
    ["4 Argon", "adaptive", "low", 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["4 Argon", "enabled 1024", undefined, 128000, { thinkingLevel: "LOW", includeThoughts: true }],
    ["2.5 Pro", "between_tools", undefined, 128000, { thinkingBudget: 128, includeThoughts: true }],
    ["2.5 Flash-Lite", "between_tools", undefined, 128000, { thinkingBudget: 512, includeThoughts: true }],
  ])("%s, thinking %s, effort %s, max_tokens %d → %j", (model, form, effort, maxTokens, expected) => {
    const result = convertGenerationConfig(requestFor(form, effort, maxTokens), MODELS[model]);
    expect(result.value.thinkingConfig).toEqual(expected);
  });

  it("warns when an enabled budget is clamped, and when a model cannot think", () => {
    const clamped = convertGenerationConfig(requestFor("enabled 60000", undefined), MODELS["2.5 Pro"]);
    expect(clamped.warnings).toContainEqual(expect.stringContaining("budget_tokens 60000"));
    const noThinking = convertGenerationConfig(requestFor("adaptive", undefined), MODELS["2.0 Flash"]);
    expect(noThinking.showThinking).toBe(false);
    expect(noThinking.warnings).toContainEqual(expect.stringContaining("does not think"));
    const plain = convertGenerationConfig(requestFor("enabled 8000", undefined, 10000), MODELS["2.5 Pro"]);
    expect(plain.warnings).toEqual([]);
  });

  it("ignores an unknown effort with a warning", () => {
    const result = convertGenerationConfig(requestFor("adaptive", "turbo"), MODELS["3 Flash"]);
    expect(result.value.thinkingConfig).toEqual({ thinkingLevel: "HIGH", includeThoughts: true });
    expect(result.warnings).toContainEqual(expect.stringContaining('"turbo"'));
  });

  it("lets the last system message carrying an effort override the request's effort", () => {
    const messages = (...efforts: (string | undefined)[]) => [
      { role: "user", content: "Hi" },
      ...efforts.map((effort) => ({
        role: "system",
        content: "per-turn settings",
        ...(effort ? { output_config: { effort } } : {}),
      })),
    ];
    const levelFor = (request: MessagesRequest): GeminiThinkingLevel | undefined =>
      convertGenerationConfig(request, MODELS["3 Flash"]).value.thinkingConfig?.thinkingLevel as
        | GeminiThinkingLevel
        | undefined;
    const base = { thinking: { type: "adaptive" }, output_config: { effort: "high" } };
    expect(levelFor(makeRequest({ ...base, messages: messages("low") }))).toBe("LOW");
    expect(levelFor(makeRequest({ ...base, messages: messages("low", "medium") }))).toBe("MEDIUM");
    // A later system message without settings leaves the earlier override in force.
    expect(levelFor(makeRequest({ ...base, messages: messages("low", undefined) }))).toBe("LOW");
    expect(levelFor(makeRequest({ ...base, messages: messages(undefined) }))).toBe("HIGH");
    // Only system messages carry per-turn control.
    const userSettings = [{ role: "user", content: "Hi", output_config: { effort: "low" } }];
    expect(levelFor(makeRequest({ ...base, messages: userSettings }))).toBe("HIGH");
  });

  it("converts the recorded Claude Code body", () => {
    const request = validateMessagesRequest(claudeCodeBody);
    const onGemini3 = convertGenerationConfig(request, MODELS["3 Pro"]);
    // The system message inside messages raised effort to xhigh: the top level.
    expect(onGemini3.value).toEqual({
      maxOutputTokens: 65536,
      thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true },
    });
    expect(onGemini3.showThinking).toBe(false);
    expect(onGemini3.warnings).toEqual([expect.stringContaining("max_tokens 128000")]);
    const onGemini25 = convertGenerationConfig(request, MODELS["2.5 Pro"]);
    expect(onGemini25.value.thinkingConfig).toEqual({ thinkingBudget: 24608, includeThoughts: true });
  });

  it("stays legal for any budget range, level set, request and effort (property)", () => {
    const level = fc.constantFrom<GeminiThinkingLevel>("MINIMAL", "LOW", "MEDIUM", "HIGH");
    const capabilities = fc.record({
      maxInputTokens: fc.constant(1_048_576),
      maxOutputTokens: fc.integer({ min: 1, max: 200000 }),
      thinking: fc.oneof(
        fc
          .record({
            min: fc.integer({ min: 1, max: 4096 }),
            span: fc.integer({ min: 0, max: 60000 }),
            canDisable: fc.boolean(),
          })
          .map(({ min, span, canDisable }) => ({
            style: "budget" as const,
            min,
            max: min + span,
            canDisable,
          })),
        fc
          .uniqueArray(level, { minLength: 1, maxLength: 4 })
          .map((levels) => ({ style: "level" as const, levels })),
        fc.constant({ style: "none" as const }),
      ),
      requiresThoughtSignatures: fc.boolean(),
      supportsJsonSchema: fc.boolean(),
      supportsFunctionResponseParts: fc.boolean(),
    });
    const thinking = fc.oneof(
      fc.constant(undefined),
      fc.constant({ type: "disabled" }),
      fc.integer({ min: 1024, max: 200000 }).map((budget_tokens) => ({ type: "enabled", budget_tokens })),
      fc
        .option(fc.constantFrom("omitted", "summarized"), { nil: undefined })
        .map((display) => ({ type: "adaptive", display })),
    );
    const effort = fc.option(fc.constantFrom("low", "medium", "high", "xhigh", "max", "bogus"), {
      nil: undefined,
    });
    fc.assert(
      fc.property(
        capabilities,
        thinking,
        effort,
        effort,
        fc.integer({ min: 1, max: 200000 }),
        (modelCapabilities, thinkingParam, topEffort, turnEffort, maxTokens) => {
          const request = makeRequest({
            max_tokens: maxTokens,
            thinking: thinkingParam,
            output_config: topEffort ? { effort: topEffort } : undefined,
            messages: [
              { role: "user", content: "Hi" },
              {
                role: "system",
                content: "turn",
                ...(turnEffort ? { output_config: { effort: turnEffort } } : {}),
              },
            ],
          });
          const result = convertGenerationConfig(request, modelCapabilities);
          assertLegalThinkingConfig(result.value, modelCapabilities);
          const config = result.value.thinkingConfig;
          expect(config?.thinkingBudget !== undefined && config.thinkingLevel !== undefined).toBe(false);
        },
      ),
    );
  });
});

describe("convertGenerationConfig: length, sampling and stop sequences", () => {
  it("clamps max_tokens to the model's limit with a warning, and leaves smaller values alone", () => {
    const clamped = convertGenerationConfig(makeRequest({ max_tokens: 128000 }), MODELS["2.0 Flash"]);
    expect(clamped.value.maxOutputTokens).toBe(8192);
    expect(clamped.warnings).toEqual(["max_tokens 128000 exceeds the model's output limit; clamped to 8192"]);
    const kept = convertGenerationConfig(makeRequest({ max_tokens: 32000 }), MODELS["2.5 Pro"]);
    expect(kept.value.maxOutputTokens).toBe(32000);
    expect(kept.warnings).toEqual([]);
  });

  it("passes temperature, top_p and top_k through unchanged", () => {
    const result = convertGenerationConfig(
      makeRequest({ max_tokens: 100, temperature: 0.2, top_p: 0.9, top_k: 40 }),
      MODELS["2.0 Flash"],
    );
    expect(result.value).toEqual({ maxOutputTokens: 100, temperature: 0.2, topP: 0.9, topK: 40 });
  });

  it("keeps a temperature of 0 and omits unset sampling fields", () => {
    const result = convertGenerationConfig(
      makeRequest({ max_tokens: 100, temperature: 0 }),
      MODELS["2.0 Flash"],
    );
    expect(result.value).toEqual({ maxOutputTokens: 100, temperature: 0 });
    expect(Object.keys(result.value)).toEqual(["maxOutputTokens", "temperature"]);
  });

  it("keeps the first five stop sequences and drops empty ones, with warnings", () => {
    const sequences = ["a", "", "b", "c", "d", "e", "f", "g"];
    const result = convertGenerationConfig(
      makeRequest({ max_tokens: 100, stop_sequences: sequences }),
      MODELS["2.0 Flash"],
    );
    expect(result.value.stopSequences).toEqual(["a", "b", "c", "d", "e"]);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[1]).toContain("2 dropped");
    const few = convertGenerationConfig(
      makeRequest({ max_tokens: 100, stop_sequences: ["END"] }),
      MODELS["2.0 Flash"],
    );
    expect(few.value.stopSequences).toEqual(["END"]);
    expect(few.warnings).toEqual([]);
  });
});
