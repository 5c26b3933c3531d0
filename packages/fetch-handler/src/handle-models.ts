import { ClaudeGeminiError, listConfiguredModels, resolveModel } from "@claude-gemini/core";
import type { RequestScope } from "./request-scope.js";

/** One entry of Anthropic's model list. */
interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

// Claude names clients pick from a menu: each family resolves through the mapping, and any
// other `claude-*` name is served too (see `describeResolvable`).
const CLAUDE_ALIASES = ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"] as const;

// The list is configuration, not a catalogue with release dates: every entry gets the same
// fixed date (the handler reads no clock), which clients only display.
const CREATED_AT = "2025-01-01T00:00:00Z";

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the configured names, Claude aliases and Gemini
 * models alike, in Anthropic's list shape. `limit`, `after_id` and `before_id` page the list.
 */
export function handleModels(scope: RequestScope, modelId?: string): Response {
  const mapping = scope.settings.models;
  const models = [
    ...CLAUDE_ALIASES.map((alias) =>
      describeModel(alias, `${alias} (Gemini ${resolveModel(alias, mapping).geminiModel})`),
    ),
    ...listConfiguredModels(mapping).map((name) => describeModel(name)),
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

function describeModel(id: string, displayName = id): ModelInfo {
  return { type: "model", id, display_name: displayName, created_at: CREATED_AT };
}

/** A name outside the list that the mapping still serves (any `claude-*` or `gemini-*` name). */
function describeResolvable(scope: RequestScope, modelId: string): ModelInfo | undefined {
  if (!/^(claude|gemini)-/.test(modelId)) return undefined;
  try {
    resolveModel(modelId, scope.settings.models);
    return describeModel(modelId);
  } catch {
    return undefined;
  }
}

function clampLimit(value: string | null): number {
  const limit = Number(value ?? 20);
  if (!Number.isInteger(limit) || limit < 1) return 20;
  return Math.min(limit, 1000);
}

function respond(scope: RequestScope, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", "request-id": scope.requestId },
  });
}
