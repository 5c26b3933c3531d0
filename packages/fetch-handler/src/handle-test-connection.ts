import { mapUpstreamError, resolveModel } from "@claude-gemini/core";
import { linkAbortSignal } from "./link-abort-signal.js";
import type { RequestScope } from "./request-scope.js";

// A name every mapping resolves: it stands for "the model Claude Code uses by default".
const PROBE_MODEL_NAME = "claude-sonnet-4-5";

/**
 * `GET /test-connection`: asks Gemini for the model (`models.get`), then for one token
 * (`generateContent`), and says in plain words what went wrong, so a user setting the proxy
 * up learns whether the key, the model name or the network is at fault. `?model=` picks the
 * model to test. Answers 200 `{ ok: true, model, latencyMs }` or 502 `{ ok: false, model, problem }`.
 */
export async function handleTestConnection(scope: RequestScope): Promise<Response> {
  const { settings } = scope;
  const requested = new URL(scope.request.url).searchParams.get("model") ?? PROBE_MODEL_NAME;
  const { controller, release } = linkAbortSignal(scope.signal);
  const timer = setTimeout(() => controller.abort(), Math.min(settings.requestTimeoutMs, 60_000));
  let model = requested;
  const startedAt = scope.elapsed();
  try {
    model = resolveModel(requested, settings.models).geminiModel;
    scope.record.model = requested;
    scope.record.geminiModel = model;
    // Through the key pool: a dead key is taken out here too, and the next one is tried.
    await settings.upstream.run(async (client) => {
      await client.models.get({ model, config: { abortSignal: controller.signal } });
      await client.models.generateContent({
        model,
        contents: [{ role: "user", parts: [{ text: "Reply with OK." }] }],
        config: { maxOutputTokens: 1, abortSignal: controller.signal },
      });
    });
    return respond(scope, 200, { ok: true, model, latencyMs: scope.elapsed() - startedAt });
  } catch (error) {
    const problem = describeProblem(error, model);
    settings.logger.warn("connection test failed", { requestId: scope.requestId, problem });
    scope.record.errorType = mapUpstreamError(error, {}).body.error.type;
    return respond(scope, 502, { ok: false, model, problem });
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** Plain words for the usual ways a first connection fails; never the key itself. */
function describeProblem(error: unknown, model: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const status =
    typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : 0;
  if (/API_KEY_INVALID|API key not valid/i.test(text)) {
    return "The Gemini API key was rejected (API_KEY_INVALID). Check GEMINI_API_KEY.";
  }
  if (/API key|apiKey/i.test(text) && status === 0) {
    return "No Gemini API key is configured. Set GEMINI_API_KEY.";
  }
  if (status === 401 || status === 403 || /PERMISSION_DENIED/.test(text)) {
    return `Gemini refused access (PERMISSION_DENIED): the key or project may not have the Generative Language API enabled, or may not use ${model}.`;
  }
  if (status === 404 || /NOT_FOUND/.test(text)) {
    return `Gemini does not know the model ${model} (NOT_FOUND). Check the model mapping.`;
  }
  if (status === 429 || /RESOURCE_EXHAUSTED/.test(text)) {
    return "Gemini answered RESOURCE_EXHAUSTED: the rate limit or quota of this key is used up; wait or check its quota.";
  }
  if (status >= 500) return `Gemini had a server error (${status}); try again shortly.`;
  if (error instanceof Error && error.name === "AbortError") return "Gemini did not answer in time.";
  return `Could not reach Gemini (${error instanceof Error ? error.name : "error"}). Check the network and the base URL.`;
}

function respond(scope: RequestScope, status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "request-id": scope.requestId },
  });
}
