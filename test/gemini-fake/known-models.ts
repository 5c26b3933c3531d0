/** How the fake models one Gemini model's limits. Numbers follow protocol.md §3. */
export interface FakeModel {
  id: string;
  displayName: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  /** Gemini 3: thinking levels, signature validation, `functionResponse.parts`. */
  generation3: boolean;
  /** Accepts `parametersJsonSchema`. */
  supportsJsonSchema: boolean;
  thinking:
    | { style: "budget"; min: number; max: number; canDisable: boolean }
    | { style: "level"; levels: readonly string[]; budgetMin: number; budgetMax: number; canDisable: boolean }
    | { style: "none" };
}

const flashBudget = { style: "budget", min: 1, max: 24_576, canDisable: true } as const;

/** The models the fake knows; any other id is a 404 like the real service. */
export const KNOWN_MODELS: Readonly<Record<string, FakeModel>> = {
  "gemini-2.5-pro": {
    id: "gemini-2.5-pro",
    displayName: "Gemini 2.5 Pro",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: false,
    supportsJsonSchema: true,
    thinking: { style: "budget", min: 128, max: 32_768, canDisable: false },
  },
  "gemini-2.5-flash": {
    id: "gemini-2.5-flash",
    displayName: "Gemini 2.5 Flash",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: false,
    supportsJsonSchema: true,
    thinking: flashBudget,
  },
  "gemini-2.5-flash-lite": {
    id: "gemini-2.5-flash-lite",
    displayName: "Gemini 2.5 Flash-Lite",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: false,
    supportsJsonSchema: true,
    thinking: { style: "budget", min: 512, max: 24_576, canDisable: true },
  },
  "gemini-3-pro-preview": {
    id: "gemini-3-pro-preview",
    displayName: "Gemini 3 Pro Preview",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: true,
    supportsJsonSchema: true,
    thinking: {
      style: "level",
      levels: ["LOW", "HIGH"],
      budgetMin: 128,
      budgetMax: 32_768,
      canDisable: false,
    },
  },
  "gemini-3-flash-preview": {
    id: "gemini-3-flash-preview",
    displayName: "Gemini 3 Flash Preview",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: true,
    supportsJsonSchema: true,
    thinking: {
      style: "level",
      levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"],
      budgetMin: 1,
      budgetMax: 24_576,
      canDisable: true,
    },
  },
  // Minimal entries for the interactive e2e test; the model table update may refine them.
  "gemini-3.8-flash": {
    id: "gemini-3.8-flash",
    displayName: "Gemini 3.8 Flash",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: true,
    supportsJsonSchema: true,
    thinking: {
      style: "level",
      levels: ["LOW", "MEDIUM", "HIGH"],
      budgetMin: 1,
      budgetMax: 24_576,
      canDisable: true,
    },
  },
  "gemini-4-hydrogen": {
    id: "gemini-4-hydrogen",
    displayName: "Gemini 4 Hydrogen",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    generation3: true,
    supportsJsonSchema: true,
    thinking: {
      style: "level",
      levels: ["LOW", "MEDIUM", "HIGH", "XHIGH"],
      budgetMin: 128,
      budgetMax: 32_768,
      canDisable: false,
    },
  },
  "gemini-2.0-flash": {
    id: "gemini-2.0-flash",
    displayName: "Gemini 2.0 Flash",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 8_192,
    generation3: false,
    supportsJsonSchema: false,
    thinking: { style: "none" },
  },
};

/** Looks a model up by id, accepting an optional `models/` prefix. */
export function findKnownModel(id: string): FakeModel | undefined {
  const bare = id.startsWith("models/") ? id.slice("models/".length) : id;
  return Object.hasOwn(KNOWN_MODELS, bare) ? KNOWN_MODELS[bare] : undefined;
}
