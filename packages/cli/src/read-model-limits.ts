import { type ModelMappingOptions, resolveModel } from "@claude-gemini/core";

/** The input window and output limit of one Gemini model, in tokens. */
export interface ModelLimits {
  maxInputTokens: number;
  maxOutputTokens: number;
  /** `proxy`: read from a running proxy's `GET /v1/models/{id}`; `table`: the built-in capability table. */
  source: "proxy" | "table";
  /** Corrections the running proxy learned from Gemini for this model (`claude_gemini.learned`). */
  learned?: string[];
}

/** Options of {@link readModelLimits}. */
export interface ReadModelLimitsOptions {
  /** A running claude-gemini proxy to ask first; without it only the table is read. */
  proxyUrl?: string;
  proxyApiKey?: string;
  fetch?: typeof fetch;
  /** The mapping whose capability overrides the table applies. */
  models?: ModelMappingOptions;
  timeoutMs?: number;
}

/**
 * The limits of each Gemini model: what a running proxy reports in `GET /v1/models/{id}`
 * (`max_input_tokens`, `max_tokens`), else the capability table of `@claude-gemini/core`.
 * A proxy that does not answer, or answers without the fields, falls back to the table.
 */
export async function readModelLimits(
  geminiModels: readonly string[],
  options: ReadModelLimitsOptions = {},
): Promise<Record<string, ModelLimits>> {
  const limits: Record<string, ModelLimits> = {};
  await Promise.all(
    [...new Set(geminiModels)].map(async (model) => {
      limits[model] = (await askProxy(model, options)) ?? readTable(model, options.models);
    }),
  );
  return limits;
}

function readTable(model: string, mapping: ModelMappingOptions | undefined): ModelLimits {
  const { capabilities } = resolveModel(model, mapping);
  return {
    maxInputTokens: capabilities.maxInputTokens,
    maxOutputTokens: capabilities.maxOutputTokens,
    source: "table",
  };
}

async function askProxy(model: string, options: ReadModelLimitsOptions): Promise<ModelLimits | undefined> {
  if (options.proxyUrl === undefined) return undefined;
  const headers: Record<string, string> = {};
  if (options.proxyApiKey) headers["x-api-key"] = options.proxyApiKey;
  try {
    const response = await (options.fetch ?? fetch)(
      new URL(`/v1/models/${encodeURIComponent(model)}`, options.proxyUrl),
      { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 2000) },
    );
    if (!response.ok) return undefined;
    const body = (await response.json()) as {
      max_input_tokens?: unknown;
      max_tokens?: unknown;
      claude_gemini?: { learned?: unknown };
    };
    if (!isTokenCount(body.max_input_tokens) || !isTokenCount(body.max_tokens)) return undefined;
    const learned = body.claude_gemini?.learned;
    return {
      maxInputTokens: body.max_input_tokens,
      maxOutputTokens: body.max_tokens,
      source: "proxy",
      ...(Array.isArray(learned) && learned.every((item) => typeof item === "string") && learned.length > 0
        ? { learned: learned as string[] }
        : {}),
    };
  } catch {
    return undefined;
  }
}

function isTokenCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}
