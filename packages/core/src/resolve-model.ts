/**
 * Which Gemini model serves a request, and what that model accepts.
 *
 * Limits follow https://ai.google.dev/gemini-api/docs/thinking and
 * https://ai.google.dev/gemini-api/docs/models (as summarised in the protocol notes).
 */
import type { ModelCapabilities } from "./model-capabilities.js";

/** How the host maps Claude model names onto Gemini models, and overrides for the capability table. */
export interface ModelMappingOptions {
  /** Used for Claude names of no known family, non-Gemini names, and families left unset. */
  defaultModel?: string;
  opusModel?: string;
  sonnetModel?: string;
  haikuModel?: string;
  /**
   * Extra or corrected capabilities, keyed like {@link DEFAULT_MODEL_CAPABILITIES}: a model-name
   * prefix, where `*` stands for any run of characters. The most specific matching key wins
   * and is merged field by field over the built-in entry.
   */
  capabilities?: Record<string, Partial<ModelCapabilities>>;
}

/**
 * Conservative defaults for Claude families when nothing is configured: stable models,
 * not previews that can be withdrawn. Opus and Sonnet are both "the capable model" to a
 * coding agent; Haiku is what Claude Code uses for quick background calls.
 */
const BUILT_IN_FAMILY_MODELS = {
  opus: "gemini-2.5-pro",
  sonnet: "gemini-2.5-pro",
  haiku: "gemini-2.5-flash",
} as const satisfies Record<ClaudeFamily, string>;

const BUILT_IN_DEFAULT_MODEL = "gemini-2.5-pro";

type ClaudeFamily = "opus" | "sonnet" | "haiku";

const FAMILY_OPTION = {
  opus: "opusModel",
  sonnet: "sonnetModel",
  haiku: "haikuModel",
} as const satisfies Record<ClaudeFamily, keyof ModelMappingOptions>;

const GEMINI_3_SHARED = {
  maxInputTokens: 1_048_576,
  maxOutputTokens: 65536,
  requiresThoughtSignatures: true,
  supportsJsonSchema: true,
  supportsFunctionResponseParts: true,
  supportsStructuredOutputWithTools: true,
} as const;

const GEMINI_2_5_SHARED = {
  maxInputTokens: 1_048_576,
  maxOutputTokens: 65536,
  requiresThoughtSignatures: false,
  supportsJsonSchema: true,
  supportsFunctionResponseParts: false,
} as const;

/**
 * Built-in capabilities keyed by model-name prefix (`*` matches any run of characters, so
 * `gemini-3*-pro` covers `gemini-3-pro-preview` and `gemini-3.1-pro-preview`). The most
 * specific key wins. For budget models `min` is the smallest budget that leaves thinking on;
 * `canDisable` says whether 0 is also legal.
 */
export const DEFAULT_MODEL_CAPABILITIES: Readonly<Record<string, ModelCapabilities>> = freezeTable({
  "gemini-1.5": {
    maxInputTokens: 1_048_576,
    maxOutputTokens: 8192,
    thinking: { style: "none" },
    requiresThoughtSignatures: false,
    supportsJsonSchema: false,
    supportsFunctionResponseParts: false,
  },
  "gemini-2.0": {
    maxInputTokens: 1_048_576,
    maxOutputTokens: 8192,
    thinking: { style: "none" },
    requiresThoughtSignatures: false,
    supportsJsonSchema: false,
    supportsFunctionResponseParts: false,
  },
  "gemini-2.0-flash": {
    maxInputTokens: 1_048_576,
    maxOutputTokens: 8192,
    thinking: { style: "none" },
    requiresThoughtSignatures: false,
    supportsJsonSchema: false,
    supportsFunctionResponseParts: false,
  },
  "gemini-2.5-pro": {
    ...GEMINI_2_5_SHARED,
    thinking: { style: "budget", min: 128, max: 32768, canDisable: false },
  },
  "gemini-2.5-flash": {
    ...GEMINI_2_5_SHARED,
    thinking: { style: "budget", min: 1, max: 24576, canDisable: true },
  },
  "gemini-2.5-flash-lite": {
    ...GEMINI_2_5_SHARED,
    thinking: { style: "budget", min: 512, max: 24576, canDisable: true },
  },
  // Any other Gemini 3.x model: LOW and HIGH are the levels every Gemini 3 model takes.
  "gemini-3": { ...GEMINI_3_SHARED, thinking: { style: "level", levels: ["LOW", "HIGH"] } },
  "gemini-3*-pro": { ...GEMINI_3_SHARED, thinking: { style: "level", levels: ["LOW", "HIGH"] } },
  "gemini-3*-flash": {
    ...GEMINI_3_SHARED,
    thinking: { style: "level", levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"] },
  },
});

/**
 * For a Gemini model no key matches (a new release, a `-latest` alias): values legal on every
 * thinking model we know. A budget of 512–24576 is inside the range of 2.5 Pro, Flash and
 * Flash-Lite, Gemini 3 still accepts `thinkingBudget`, and `-1` (dynamic) is legal on all of
 * them; `canDisable: false` because Pro rejects 0. Signatures are treated as required: a
 * placeholder is harmless to a model that does not check, a missing one is a 400 on one that
 * does. Images in tool results go as sibling parts, which every model accepts.
 */
const UNKNOWN_GEMINI_CAPABILITIES: ModelCapabilities = freezeTable({
  unknown: {
    maxInputTokens: 1_048_576,
    maxOutputTokens: 65536,
    thinking: { style: "budget", min: 512, max: 24576, canDisable: false },
    requiresThoughtSignatures: true,
    supportsJsonSchema: true,
    supportsFunctionResponseParts: false,
  },
}).unknown!;

/**
 * Maps the model name a client sent to the Gemini model to call and its capabilities.
 *
 * - `claude-…` and `anthropic/claude-…` names go by family (`opus`, `sonnet` or `haiku`
 *   anywhere in the name) to the configured model, then `defaultModel`, then the built-in
 *   choice (Opus and Sonnet → `gemini-2.5-pro`, Haiku → `gemini-2.5-flash`).
 * - `gemini-…` names (also `models/gemini-…` and `google/gemini-…`) pass through unchanged.
 * - Anything else goes to `defaultModel`, else `gemini-2.5-pro`.
 *
 * @example
 * resolveModel("claude-haiku-4-5", { haikuModel: "gemini-3-flash-preview" });
 * // { geminiModel: "gemini-3-flash-preview", capabilities: { thinking: { style: "level", … }, … } }
 */
export function resolveModel(
  name: string,
  options: ModelMappingOptions = {},
): { geminiModel: string; capabilities: ModelCapabilities } {
  const geminiModel = chooseGeminiModel(name, options);
  return { geminiModel, capabilities: resolveCapabilities(geminiModel, options.capabilities) };
}

/**
 * The Gemini model names this configuration can route to: the configured ones first, then
 * the built-in defaults, without duplicates. Useful to answer `GET /v1/models`.
 */
export function listConfiguredModels(options: ModelMappingOptions = {}): string[] {
  const names = [
    options.defaultModel,
    options.opusModel,
    options.sonnetModel,
    options.haikuModel,
    BUILT_IN_DEFAULT_MODEL,
    ...Object.values(BUILT_IN_FAMILY_MODELS),
  ];
  const unique = new Set<string>();
  for (const name of names) {
    const normalized = name === undefined ? "" : stripGeminiPrefix(name.trim());
    if (normalized) unique.add(normalized);
  }
  return [...unique];
}

function chooseGeminiModel(name: string, options: ModelMappingOptions): string {
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  const fallback = configured(options.defaultModel) ?? BUILT_IN_DEFAULT_MODEL;
  if (lower.includes("claude")) {
    const family = findFamily(lower);
    if (!family) return fallback;
    return (
      configured(options[FAMILY_OPTION[family]]) ??
      configured(options.defaultModel) ??
      BUILT_IN_FAMILY_MODELS[family]
    );
  }
  const stripped = stripGeminiPrefix(trimmed);
  if (stripped.toLowerCase().startsWith("gemini-")) return stripped;
  return fallback;
}

function findFamily(lowerName: string): ClaudeFamily | undefined {
  return (Object.keys(BUILT_IN_FAMILY_MODELS) as ClaudeFamily[]).find((family) => lowerName.includes(family));
}

/** A configured model name, normalised; `undefined` when unset or blank. */
function configured(model: string | undefined): string | undefined {
  const normalized = model === undefined ? "" : stripGeminiPrefix(model.trim());
  return normalized === "" ? undefined : normalized;
}

/** `models/gemini-2.5-pro` and `google/gemini-2.5-pro` both name `gemini-2.5-pro`. */
function stripGeminiPrefix(name: string): string {
  for (const prefix of ["models/", "google/"]) {
    if (name.toLowerCase().startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
}

function resolveCapabilities(
  geminiModel: string,
  overrides: Record<string, Partial<ModelCapabilities>> | undefined,
): ModelCapabilities {
  const lower = geminiModel.toLowerCase();
  const builtInKey = findBestKey(lower, Object.keys(DEFAULT_MODEL_CAPABILITIES));
  const base =
    builtInKey === undefined ? UNKNOWN_GEMINI_CAPABILITIES : DEFAULT_MODEL_CAPABILITIES[builtInKey]!;
  const overrideKey = overrides ? findBestKey(lower, Object.keys(overrides)) : undefined;
  const override = overrideKey === undefined ? undefined : overrides?.[overrideKey];
  return override ? { ...base, ...definedFields(override) } : base;
}

/** The most specific key (most literal characters) whose pattern matches the start of `name`. */
function findBestKey(name: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestSpecificity = -1;
  for (const key of keys) {
    if (!matchesPrefixPattern(name, key.toLowerCase())) continue;
    const specificity = key.replaceAll("*", "").length;
    if (specificity > bestSpecificity) {
      best = key;
      bestSpecificity = specificity;
    }
  }
  return best;
}

/** Whether `pattern` (literal text, `*` = any run of characters) matches a prefix of `name`. */
function matchesPrefixPattern(name: string, pattern: string): boolean {
  const pieces = pattern.split("*");
  if (!name.startsWith(pieces[0]!)) return false;
  let position = pieces[0]!.length;
  for (const piece of pieces.slice(1)) {
    const found = name.indexOf(piece, position);
    if (found < 0) return false;
    position = found + piece.length;
  }
  return true;
}

/** Freezes the table and every entry in it: callers get these objects, not copies. */
function freezeTable(table: Record<string, ModelCapabilities>): Readonly<Record<string, ModelCapabilities>> {
  for (const capabilities of Object.values(table)) {
    Object.freeze(capabilities.thinking);
    if (capabilities.thinking.style === "level") Object.freeze(capabilities.thinking.levels);
    Object.freeze(capabilities);
  }
  return Object.freeze(table);
}

/** Drops `undefined` fields so an override like `{ thinking: undefined }` cannot erase a value. */
function definedFields<Value extends object>(value: Value): Partial<Value> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<Value>;
}
