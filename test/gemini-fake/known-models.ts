/**
 * How the fake models each Gemini model's limits and rules (checked 2026-12-06; sources in
 * `packages/core/src/resolve-model.ts`, and protocol.md §3). Models Google retired are absent,
 * so they answer 404 like the service. The fake is written apart from the proxy's table on
 * purpose: `gemini-4-xenon` is a model no table knows, with rules of its own, and 3.6 Flash
 * follows the sources that say it refuses MINIMAL, where the proxy's table guesses the other
 * way — the proxy has to learn both from the service's answers.
 */
export interface FakeModel {
  id: string;
  displayName: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  /** Gemini 3 and later: thinking levels, signature validation, `functionResponse.parts`. */
  generation3: boolean;
  /** Accepts `parametersJsonSchema`. */
  supportsJsonSchema: boolean;
  thinking:
    | { style: "budget"; min: number; max: number; canDisable: boolean }
    | {
        style: "level";
        levels: readonly string[];
        /** Gemini 3.x still takes a budget in this range; Gemini 4 refuses any budget (`undefined`). */
        budget?: { min: number; max: number; canDisable: boolean };
      }
    | { style: "none" };
}

const ONE_MILLION = 1_048_576;
const FOUR = ["MINIMAL", "LOW", "MEDIUM", "HIGH"] as const;
const THREE = ["LOW", "MEDIUM", "HIGH"] as const;
const WITH_XHIGH = ["LOW", "MEDIUM", "HIGH", "XHIGH"] as const;
const GEMINI_3_BUDGET = { min: 128, max: 32_768, canDisable: false } as const;

function levelModel(
  id: string,
  displayName: string,
  levels: readonly string[],
  budget: { min: number; max: number; canDisable: boolean } | undefined,
  outputTokenLimit = 65_536,
): FakeModel {
  return {
    id,
    displayName,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit,
    generation3: true,
    supportsJsonSchema: true,
    thinking: budget === undefined ? { style: "level", levels } : { style: "level", levels, budget },
  };
}

/** The models the fake knows; any other id is a 404 like the real service. */
export const KNOWN_MODELS: Readonly<Record<string, FakeModel>> = Object.fromEntries(
  [
    {
      id: "gemini-2.5-flash-lite",
      displayName: "Gemini 2.5 Flash-Lite",
      inputTokenLimit: ONE_MILLION,
      outputTokenLimit: 65_536,
      generation3: false,
      supportsJsonSchema: true,
      thinking: { style: "budget", min: 512, max: 24_576, canDisable: true },
    } satisfies FakeModel,
    levelModel("gemini-3-flash-preview", "Gemini 3 Flash Preview", FOUR, {
      min: 1,
      max: 24_576,
      canDisable: true,
    }),
    levelModel("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", THREE, GEMINI_3_BUDGET),
    levelModel("gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite", FOUR, {
      min: 512,
      max: 24_576,
      canDisable: true,
    }),
    levelModel("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", FOUR, {
      min: 512,
      max: 24_576,
      canDisable: true,
    }),
    // Sources disagree on MINIMAL for 3.6 Flash; the fake takes the "no" side (see the header).
    levelModel("gemini-3.6-flash", "Gemini 3.6 Flash", THREE, GEMINI_3_BUDGET),
    levelModel("gemini-3.7-flash", "Gemini 3.7 Flash", THREE, GEMINI_3_BUDGET),
    levelModel("gemini-3.8-flash", "Gemini 3.8 Flash", THREE, GEMINI_3_BUDGET),
    levelModel("gemini-4-argon", "Gemini 4 Argon", THREE, undefined),
    levelModel("gemini-4-carbon", "Gemini 4 Carbon", THREE, undefined),
    levelModel("gemini-4-hydrogen", "Gemini 4 Hydrogen", WITH_XHIGH, undefined),
    levelModel("gemini-4-neon", "Gemini 4 Neon", WITH_XHIGH, undefined),
    // No table knows it: levels without LOW, no budgets, and a smaller output limit.
    levelModel("gemini-4-xenon", "Gemini 4 Xenon", ["MEDIUM", "HIGH", "XHIGH"], undefined, 32_768),
  ].map((model) => [model.id, model]),
);

/** Looks a model up by id, accepting an optional `models/` prefix. */
export function findKnownModel(id: string): FakeModel | undefined {
  const bare = id.startsWith("models/") ? id.slice("models/".length) : id;
  return Object.hasOwn(KNOWN_MODELS, bare) ? KNOWN_MODELS[bare] : undefined;
}
