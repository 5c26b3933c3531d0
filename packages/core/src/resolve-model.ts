/**
 * Which Gemini model serves a request, and what that model accepts.
 *
 * Model facts perish: Google adds and retires Gemini models monthly. Each row below names its
 * source (checked 2026-12-06); https://ai.google.dev/gemini-api/docs/models and
 * https://ai.google.dev/gemini-api/docs/thinking are the general references. What the table
 * gets wrong is corrected at run time from the service's own answers (model metadata and the
 * 400s of `readGeminiFailure`), which hosts pass in as `discovered` and `learned`.
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
  /**
   * What the service reports about a model (`models.get`: input and output limits, thinking),
   * merged over the built-in entry and under `capabilities`. Hosts fill it from a cache.
   */
  discovered?: (geminiModel: string) => Partial<ModelCapabilities> | undefined;
  /**
   * Corrections the service proved (a setting it refused, then a corrected call it served),
   * merged last: they beat the table and the user's entries, which were just shown wrong.
   */
  learned?: (geminiModel: string) => Partial<ModelCapabilities> | undefined;
}

/** A model the client or the configuration named that Google has retired, and what serves it instead. */
export interface RetiredModelSubstitution {
  requested: string;
  successor: string;
  retiredOn: string;
}

/**
 * Built-in choices for Claude families when nothing is configured (checked 2026-12-06): models
 * that are generally available on every tier of the Gemini API, not previews. Opus and Sonnet
 * are "the capable model" to a coding agent: Gemini 3.8 Flash is GA with a 1M window and
 * Google's strongest agentic-coding GA model that free-tier keys can call (3.1 Pro is a
 * preview, 4 Neon is paid-tier only, 4 Hydrogen is a short-lifecycle GA). Haiku is what Claude
 * Code uses for quick background calls: 3.5 Flash-Lite, the newest GA Flash-Lite. Sources:
 * the rows of {@link DEFAULT_MODEL_CAPABILITIES}; docs/configuration.md says the same for users.
 */
const BUILT_IN_FAMILY_MODELS = {
  opus: "gemini-3.8-flash",
  sonnet: "gemini-3.8-flash",
  haiku: "gemini-3.5-flash-lite",
} as const satisfies Record<ClaudeFamily, string>;

const BUILT_IN_DEFAULT_MODEL = "gemini-3.8-flash";

type ClaudeFamily = "opus" | "sonnet" | "haiku";

const FAMILY_OPTION = {
  opus: "opusModel",
  sonnet: "sonnetModel",
  haiku: "haikuModel",
} as const satisfies Record<ClaudeFamily, keyof ModelMappingOptions>;

/**
 * Models Google shut down, and the model that serves their callers now. Google routes calls to
 * a retired 2.5 name to the successor at the successor's prices and rules, or refuses them;
 * naming the successor ourselves works either way and sends the successor's settings. The
 * substitution is reported (a conversion warning and `x-claude-gemini-model`), never silent.
 */
export const RETIRED_MODELS: readonly {
  pattern: RegExp;
  successor: string;
  retiredOn: string;
  source: string;
}[] = Object.freeze([
  {
    // "requests to gemini-2.5-pro are automatically routed to gemini-3.8-flash"
    pattern: /^gemini-2\.5-pro(?:-preview[\w-]*|-exp[\w-]*|-\d{3})?$/i,
    successor: "gemini-3.8-flash",
    retiredOn: "2026-12-01",
    source:
      "https://ai.google.dev/gemini-api/docs/deprecations (as quoted in https://dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9)",
  },
  {
    // "… and requests to gemini-2.5-flash to gemini-3.5-flash-lite"
    pattern: /^gemini-2\.5-flash(?:-preview[\w-]*|-\d{3})?$/i,
    successor: "gemini-3.5-flash-lite",
    retiredOn: "2026-12-01",
    source:
      "https://ai.google.dev/gemini-api/docs/deprecations (as quoted in https://dev.to/aideprecations/what-to-do-before-gemini-25-pro-and-25-flash-are-retired-on-december-1-2026-5gg9)",
  },
  {
    pattern: /^gemini-3-pro-preview(?:-[\w-]+)?$/i,
    successor: "gemini-3.1-pro-preview",
    retiredOn: "2026-03-09",
    source: "https://ai.google.dev/gemini-api/docs/deprecations.md",
  },
  {
    pattern: /^gemini-2\.0-flash(?:-lite)?(?:-[\w-]+)?$/i,
    successor: "gemini-2.5-flash-lite",
    retiredOn: "2026-06-01",
    source: "https://ai.google.dev/gemini-api/docs/changelog?hl=pt-br",
  },
]);

const ONE_MILLION = 1_048_576;

/** Gemini 3 and 4 on the Gemini API: signatures validated, JSON Schema, parts in function responses. */
const LEVEL_MODEL_SHARED = {
  maxInputTokens: ONE_MILLION,
  maxOutputTokens: 65_536,
  requiresThoughtSignatures: true,
  supportsJsonSchema: true,
  supportsFunctionResponseParts: true,
  supportsStructuredOutputWithTools: true,
  supportsServerSideToolInvocations: true,
} as const;

const GEMINI_2_5_SHARED = {
  maxInputTokens: ONE_MILLION,
  maxOutputTokens: 65_536,
  requiresThoughtSignatures: false,
  supportsJsonSchema: true,
  supportsFunctionResponseParts: false,
} as const;

const NO_THINKING_SHARED = {
  maxInputTokens: ONE_MILLION,
  maxOutputTokens: 8192,
  thinking: { style: "none" },
  requiresThoughtSignatures: false,
  supportsJsonSchema: false,
  supportsFunctionResponseParts: false,
} as const;

/** The levels every level model takes (Gemini 3.x Flash, Flash-Lite, Pro and Gemini 4). */
const COMMON_LEVELS = ["LOW", "HIGH"] as const;
const FOUR_LEVELS = ["MINIMAL", "LOW", "MEDIUM", "HIGH"] as const;
const THREE_LEVELS = ["LOW", "MEDIUM", "HIGH"] as const;
const FOUR_LEVELS_WITH_XHIGH = ["LOW", "MEDIUM", "HIGH", "XHIGH"] as const;

/**
 * Built-in capabilities keyed by model-name prefix (`*` matches any run of characters). The
 * most specific key wins. For budget models `min` is the smallest budget that leaves thinking
 * on; `canDisable` says whether 0 is also legal. Checked 2026-12-06 against the sources named
 * on each row; what the sources leave open is marked "guessed", and the service corrects it at
 * run time (`correctModelCapabilities`). Generation rows (`gemini-3`, `gemini-4`, `gemini-2.5`)
 * serve names no exact row knows; names the table cannot place at all follow the newest rules
 * (see `resolveCapabilities`).
 */
export const DEFAULT_MODEL_CAPABILITIES: Readonly<Record<string, ModelCapabilities>> = freezeTable({
  // Generation rows for names no other row matches: the rules of that generation, with only
  // the settings every model of it takes.
  "gemini-1.0": { ...NO_THINKING_SHARED },
  "gemini-1.5": { ...NO_THINKING_SHARED },
  "gemini-2.0": { ...NO_THINKING_SHARED },
  // 2.5: the intersection of Pro (128–32768, no 0), Flash (0–24576) and Flash-Lite (0, 512–24576).
  "gemini-2.5": {
    ...GEMINI_2_5_SHARED,
    thinking: { style: "budget", min: 512, max: 24_576, canDisable: false },
  },
  "gemini-3": { ...LEVEL_MODEL_SHARED, thinking: { style: "level", levels: COMMON_LEVELS } },
  "gemini-4": { ...LEVEL_MODEL_SHARED, thinking: { style: "level", levels: COMMON_LEVELS } },

  // 2.5 Flash-Lite stays "until further notice"; 512–24576 or 0, off by default.
  // https://ai.google.dev/gemini-api/docs/thinking (budget table, as quoted in
  // https://github.com/checkmarble/llmberjack/pull/14); the dev.to retirement notice above.
  "gemini-2.5-flash-lite": {
    ...GEMINI_2_5_SHARED,
    thinking: { style: "budget", min: 512, max: 24_576, canDisable: true, defaultBudget: 0 },
  },
  // 3 Flash Preview: MINIMAL–HIGH, default HIGH; 1,048,576 / 65,536.
  // https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-flash
  "gemini-3-flash": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS, defaultLevel: "HIGH" },
  },
  // 3.1 Flash-Lite (GA 2026-05-07, shuts down 2027-05-07): MINIMAL–HIGH, default MINIMAL; 1,048,576 / 65,536.
  // https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-5-flash (spec table)
  "gemini-3.1-flash-lite": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS, defaultLevel: "MINIMAL" },
  },
  // 3.1 Pro Preview (no GA 3.1 Pro exists): LOW/MEDIUM/HIGH, default HIGH; 1,048,576 / 65,536.
  // Same Vertex AI spec table as above.
  "gemini-3.1-pro": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: THREE_LEVELS, defaultLevel: "HIGH" },
  },
  // 3.5 Flash (Google routes it to 3.6 Flash since 2026-10-08): MINIMAL–HIGH, default MEDIUM.
  // https://ai.google.dev/gemini-api/docs/changelog (2026-10-08 entry)
  "gemini-3.5-flash": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS, defaultLevel: "MEDIUM" },
  },
  // 3.5 Flash-Lite (GA 2026-07-21): default MINIMAL; the full level list is guessed from the
  // Flash-Lite line (MINIMAL–HIGH). https://ai.google.dev/gemini-api/docs/generate-content/whats-new-gemini-3.6
  "gemini-3.5-flash-lite": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS, defaultLevel: "MINIMAL" },
  },
  // 3.6 Flash (GA 2026-07-21): default MEDIUM. MINIMAL is disputed between sources (LiteLLM's
  // docs say yes, one client's tests say no): guessed yes, corrected by the service if not.
  // https://ai.google.dev/gemini-api/docs/generate-content/whats-new-gemini-3.6
  "gemini-3.6-flash": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS, defaultLevel: "MEDIUM" },
  },
  // 3.7 Flash (Google routes it to 3.8 Flash since 2026-10-08): LOW/MEDIUM/HIGH, MINIMAL → 400.
  // https://ai.google.dev/gemini-api/docs/generate-content/whats-new-gemini-3.7
  "gemini-3.7-flash": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: THREE_LEVELS, defaultLevel: "MEDIUM" },
  },
  // 3.8 Flash (GA 2026-09-02): LOW/MEDIUM/HIGH, default MEDIUM, MINIMAL → 400; 1,048,576 / 65,536.
  // https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-8-flash
  "gemini-3.8-flash": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: THREE_LEVELS, defaultLevel: "MEDIUM" },
  },
  // Gemini 4 takes levels only (a budget is a 400). One 1,048,576-token window is shared by
  // input and output; one response segment is at most 65,536 tokens (Argon and Carbon: 32,768
  // when not streaming — guessed to be clamped, not refused, by the service).
  // Argon: LOW/MEDIUM/HIGH, default MEDIUM.
  // https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/4-argon
  "gemini-4-argon": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: THREE_LEVELS, defaultLevel: "MEDIUM" },
  },
  // Carbon: LOW/MEDIUM/HIGH, default MEDIUM (the `-cyber-permissive` variant defaults to HIGH).
  // https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-4-carbon
  "gemini-4-carbon": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: THREE_LEVELS, defaultLevel: "MEDIUM" },
  },
  // Hydrogen (GA 2026-11-12, short lifecycle): LOW/MEDIUM/HIGH/XHIGH, default HIGH.
  // https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-4-hydrogen
  "gemini-4-hydrogen": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS_WITH_XHIGH, defaultLevel: "HIGH" },
  },
  // Neon (GA 2026-11-18, paid tier only): LOW/MEDIUM/HIGH/XHIGH, default HIGH.
  // https://documentation.s3ns.fr/gemini-enterprise-agent-platform/models/guides/gemini-4-neon
  "gemini-4-neon": {
    ...LEVEL_MODEL_SHARED,
    thinking: { style: "level", levels: FOUR_LEVELS_WITH_XHIGH, defaultLevel: "HIGH" },
  },
});

/** The keys of {@link DEFAULT_MODEL_CAPABILITIES}, split once for `findBestKey`. */
const BUILT_IN_PATTERNS = compilePatterns(Object.keys(DEFAULT_MODEL_CAPABILITIES));

/**
 * For a name the table cannot place (an alias such as `gemini-flash-latest`, a codename, a
 * release newer than the table): the newest rules, with only what every model of them takes —
 * levels LOW and HIGH, never a budget (Gemini 4 refuses budgets; Gemini 3 takes levels).
 * Features whose support varies stay off: images in tool results go as sibling parts, and
 * JSON output with tools or built-in tools with functions are not combined.
 */
const UNPLACED_GEMINI_CAPABILITIES: ModelCapabilities = freezeTable({
  unplaced: {
    maxInputTokens: ONE_MILLION,
    maxOutputTokens: 65_536,
    thinking: { style: "level", levels: COMMON_LEVELS },
    requiresThoughtSignatures: true,
    supportsJsonSchema: true,
    supportsFunctionResponseParts: false,
  },
}).unplaced!;

/**
 * Maps the model name a client sent to the Gemini model to call and its capabilities.
 *
 * - `claude-…` and `anthropic/claude-…` names go by family (`opus`, `sonnet` or `haiku`
 *   anywhere in the name) to the configured model, then `defaultModel`, then the built-in
 *   choice (Opus and Sonnet → `gemini-3.8-flash`, Haiku → `gemini-3.5-flash-lite`).
 * - `gemini-…` names (also `models/gemini-…` and `google/gemini-…`) pass through unchanged,
 *   except retired ones ({@link RETIRED_MODELS}), which go to their successor and say so in
 *   `retired`.
 * - Anything else goes to `defaultModel`, else `gemini-3.8-flash`.
 *
 * @example
 * resolveModel("claude-haiku-4-5", { haikuModel: "gemini-3.6-flash" });
 * // { geminiModel: "gemini-3.6-flash", capabilities: { thinking: { style: "level", … }, … } }
 */
export function resolveModel(
  name: string,
  options: ModelMappingOptions = {},
): { geminiModel: string; capabilities: ModelCapabilities; retired?: RetiredModelSubstitution } {
  const chosen = chooseGeminiModel(name, options);
  const retirement = RETIRED_MODELS.find((entry) => entry.pattern.test(chosen));
  const geminiModel = retirement?.successor ?? chosen;
  const capabilities = resolveCapabilities(geminiModel, options);
  if (retirement === undefined) return { geminiModel, capabilities };
  return {
    geminiModel,
    capabilities,
    retired: { requested: chosen, successor: retirement.successor, retiredOn: retirement.retiredOn },
  };
}

/**
 * The Gemini models this configuration routes to, without duplicates: the configured family
 * models and default first, then the built-in choice of each family left unset (only those:
 * a built-in that nothing routes to is not listed). Retired names are listed as their
 * successor. Answers `GET /v1/models`.
 */
export function listConfiguredModels(options: ModelMappingOptions = {}): string[] {
  const names = [
    options.defaultModel,
    options.opusModel,
    options.sonnetModel,
    options.haikuModel,
    ...(Object.keys(FAMILY_OPTION) as ClaudeFamily[]).map((family) =>
      chooseGeminiModel(`claude-${family}`, options),
    ),
    chooseGeminiModel("claude", options),
  ];
  const unique = new Set<string>();
  for (const name of names) {
    const normalized = configured(name);
    if (normalized === undefined) continue;
    unique.add(RETIRED_MODELS.find((entry) => entry.pattern.test(normalized))?.successor ?? normalized);
  }
  return [...unique];
}

/** The built-in model of each Claude family, for documentation and `doctor`. */
export function listBuiltInFamilyModels(): Readonly<Record<ClaudeFamily, string>> {
  return BUILT_IN_FAMILY_MODELS;
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

/** Built-in row (or the newest rules), then what the service reports, the user's entries, and proven corrections. */
function resolveCapabilities(geminiModel: string, options: ModelMappingOptions): ModelCapabilities {
  const lower = geminiModel.toLowerCase();
  const builtInKey = findBestKey(lower, BUILT_IN_PATTERNS);
  let capabilities =
    builtInKey === undefined ? UNPLACED_GEMINI_CAPABILITIES : DEFAULT_MODEL_CAPABILITIES[builtInKey]!;
  const overrides = options.capabilities;
  const overrideKey = overrides ? findBestKey(lower, compilePatterns(Object.keys(overrides))) : undefined;
  for (const layer of [
    options.discovered?.(geminiModel),
    overrideKey === undefined ? undefined : overrides?.[overrideKey],
    options.learned?.(geminiModel),
  ]) {
    if (layer !== undefined) capabilities = { ...capabilities, ...definedFields(layer) };
  }
  return capabilities;
}

/** A table key split at its `*`s, lower-cased, with its count of literal characters. */
interface KeyPattern {
  key: string;
  pieces: readonly string[];
  specificity: number;
}

function compilePatterns(keys: readonly string[]): KeyPattern[] {
  return keys.map((key) => {
    const pieces = key.toLowerCase().split("*");
    return { key, pieces, specificity: pieces.join("").length };
  });
}

/** The most specific key (most literal characters) whose pattern matches the start of `name`. */
function findBestKey(name: string, patterns: readonly KeyPattern[]): string | undefined {
  let best: KeyPattern | undefined;
  for (const pattern of patterns) {
    if (
      (best === undefined || pattern.specificity > best.specificity) &&
      matchesPrefixPattern(name, pattern.pieces)
    )
      best = pattern;
  }
  return best?.key;
}

/** Whether `pieces` (literal text between `*`s, each `*` any run of characters) match a prefix of `name`. */
function matchesPrefixPattern(name: string, pieces: readonly string[]): boolean {
  if (!name.startsWith(pieces[0]!)) return false;
  let position = pieces[0]!.length;
  for (let index = 1; index < pieces.length; index++) {
    const found = name.indexOf(pieces[index]!, position);
    if (found < 0) return false;
    position = found + pieces[index]!.length;
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
