import {
  ClaudeGeminiError,
  listConfiguredModels,
  type ModelCapabilities,
  resolveModel,
} from "@claude-gemini/core";
import type { HandlerAnswer } from "./handler-core.js";
import type { RequestScope } from "./request-scope.js";

interface Support {
  supported: boolean;
}

/**
 * One entry of Anthropic's model list, with the limits and capabilities clients read
 * (`ModelInfo` of the Models API: https://docs.anthropic.com/en/api/models, and the
 * `BetaModelInfo` type of `@anthropic-ai/sdk` 1.17), plus what this proxy knows of the Gemini
 * model behind it under `claude_gemini`.
 */
interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
  max_input_tokens: number;
  max_tokens: number;
  capabilities: Record<string, unknown>;
  lifecycle: "active";
  deprecated_at: null;
  retires_at: null;
  line: "opus" | "sonnet" | "haiku" | "fable" | "mythos" | null;
  allowed_fallback_models: null;
  claude_gemini: {
    gemini_model: string;
    /** The limits came from Gemini's model metadata, not only from the built-in table. */
    reported_by_service: boolean;
    /** Capability corrections the service proved during this process. */
    learned: string[];
    /** Set when the name is a model Google retired: its successor answers. */
    retired_on?: string;
  };
}

// Claude names clients pick from a menu: today's (`@anthropic-ai/sdk` 1.17's `Model` union,
// checked 2026-12-06) and the older ones clients still send. Any other `claude-*` name is
// served too (see `describeResolvable`).
const CLAUDE_ALIASES = [
  "claude-opus-5-5",
  "claude-sonnet-5-5",
  "claude-haiku-5-5",
  "claude-fable-5-2",
  "claude-opus-5",
  "claude-sonnet-5",
  "claude-opus-4-8",
  "claude-sonnet-4-6",
  "claude-haiku-4-5",
] as const;

const LINES = ["opus", "sonnet", "haiku", "fable", "mythos"] as const;

// The list is configuration, not a catalogue with release dates: Gemini's model metadata has no
// creation time, so every entry gets the same fixed date (the handler reads no clock).
const CREATED_AT = "2025-01-01T00:00:00Z";

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the Claude aliases and the Gemini models this
 * configuration routes to, in Anthropic's list shape, each with its input window, output
 * limit and capabilities (from Gemini's model metadata when fetched, else the built-in table,
 * with corrections the service proved). `limit`, `after_id` and `before_id` page the list.
 */
export function handleModels(scope: RequestScope, modelId?: string): HandlerAnswer {
  const mapping = scope.settings.models;
  const models = [
    ...CLAUDE_ALIASES.map((alias) => {
      const gemini = resolveModel(alias, mapping).geminiModel;
      return describeModel(scope, alias, `${alias} (Gemini ${gemini})`);
    }),
    ...listConfiguredModels(mapping).map((name) => describeModel(scope, name)),
  ];
  if (modelId !== undefined) {
    const known = models.find((model) => model.id === modelId) ?? describeResolvable(scope, modelId);
    if (!known) {
      throw new ClaudeGeminiError({ status: 404, type: "not_found_error", message: `model: ${modelId}` });
    }
    return respond(scope, known);
  }

  const query = new URL(scope.request.url).searchParams;
  const limit = clampLimit(query.get("limit"));
  let start = 0;
  let end = models.length;
  const afterId = query.get("after_id");
  const beforeId = query.get("before_id");
  if (afterId !== null) start = models.findIndex((model) => model.id === afterId) + 1;
  if (beforeId !== null) {
    const index = models.findIndex((model) => model.id === beforeId);
    end = index === -1 ? models.length : index;
  }
  const page =
    beforeId !== null && afterId === null
      ? models.slice(Math.max(start, end - limit), end)
      : models.slice(start, Math.min(end, start + limit));
  const firstIndex = page.length > 0 ? models.indexOf(page[0]!) : start;
  const hasMore = beforeId !== null && afterId === null ? firstIndex > 0 : firstIndex + page.length < end;
  return respond(scope, {
    data: page,
    has_more: hasMore,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  });
}

function describeModel(scope: RequestScope, id: string, displayName?: string): ModelInfo {
  const { geminiModel, capabilities, retired } = resolveModel(id, scope.settings.models);
  const knowledge = scope.settings.knowledge;
  const metadata = knowledge.metadata(geminiModel);
  const learned = knowledge.records().find((record) => record.model === geminiModel)?.lessons ?? [];
  const lower = id.toLowerCase();
  return {
    type: "model",
    id,
    display_name: displayName ?? metadata?.displayName ?? id,
    created_at: CREATED_AT,
    max_input_tokens: capabilities.maxInputTokens,
    max_tokens: capabilities.maxOutputTokens,
    capabilities: describeCapabilities(capabilities),
    lifecycle: "active",
    deprecated_at: null,
    retires_at: null,
    line: lower.startsWith("claude") ? (LINES.find((line) => lower.includes(line)) ?? null) : null,
    allowed_fallback_models: null,
    claude_gemini: {
      gemini_model: geminiModel,
      reported_by_service:
        metadata?.inputTokenLimit !== undefined || metadata?.outputTokenLimit !== undefined,
      learned,
      ...(retired ? { retired_on: retired.retiredOn } : {}),
    },
  };
}

/**
 * What a client can ask of the model through this proxy. Thinking: every Anthropic form maps to
 * a legal Gemini setting (`convert-generation-config.ts`); effort `xhigh` is reported only where
 * the model has XHIGH (elsewhere it is served as the highest level). Images and PDFs go as
 * inline data; web search maps to Google Search grounding; structured output to JSON mode.
 * Batches, code execution, compaction and context management are not served.
 */
function describeCapabilities(capabilities: ModelCapabilities): Record<string, unknown> {
  const thinks = capabilities.thinking.style !== "none";
  const xhigh = capabilities.thinking.style === "level" && capabilities.thinking.levels.includes("XHIGH");
  const yes: Support = { supported: true };
  const no: Support = { supported: false };
  const support = (value: boolean): Support => (value ? yes : no);
  return {
    batch: no,
    citations: no,
    code_execution: no,
    compaction: null,
    context_management: {
      supported: false,
      clear_thinking_20251015: null,
      clear_tool_uses_20250919: null,
      compact_20260112: null,
    },
    effort: {
      supported: thinks,
      low: support(thinks),
      medium: support(thinks),
      high: support(thinks),
      max: support(thinks),
      xhigh: support(xhigh),
    },
    image_input: yes,
    pdf_input: yes,
    server_tools: { supported: true, code_execution: no, web_search: yes },
    structured_outputs: yes,
    thinking: {
      supported: thinks,
      types: {
        adaptive: support(thinks),
        enabled: support(thinks),
        between_tools: support(thinks),
        disabled: yes,
      },
    },
  };
}

/** A name outside the list that the mapping still serves (any `claude-*` or `gemini-*` name). */
function describeResolvable(scope: RequestScope, modelId: string): ModelInfo | undefined {
  if (!/^(claude|gemini)-[\w.-]+$/.test(modelId)) return undefined;
  return describeModel(scope, modelId);
}

function clampLimit(value: string | null): number {
  const limit = Number(value ?? 20);
  if (!Number.isInteger(limit) || limit < 1) return 20;
  return Math.min(limit, 1000);
}

function respond(scope: RequestScope, body: unknown): HandlerAnswer {
  return {
    status: 200,
    headers: { "content-type": "application/json", "request-id": scope.requestId },
    body: JSON.stringify(body),
  };
}
