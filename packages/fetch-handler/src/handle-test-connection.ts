import { checkModelName, mapUpstreamError, resolveModel } from "@claude-gemini/core";
import type { GoogleGenAI } from "@google/genai";
import type { GeminiWire } from "./create-gemini-wire.js";
import { describeGeminiFailure } from "./describe-gemini-failure.js";
import type { HandlerAnswer } from "./handler-core.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import type { RequestScope } from "./request-scope.js";

// A name every mapping resolves: it stands for "the model Claude Code uses by default".
const PROBE_MODEL_NAME = "claude-sonnet-4-5";

// Keys of a pool checked at once: enough to finish a pool of a dozen in a few round trips,
// few enough not to look like a burst to Gemini's per-project rate limits.
const KEY_CHECK_CONCURRENCY = 4;

/** One key's outcome in the answer for a key pool; `key` is the fingerprint, never the key. */
type KeyCheck = { key: string; ok: true; latencyMs: number } | { key: string; ok: false; problem: string };

/**
 * `GET /test-connection`: asks Gemini for one token (`generateContent`), then for the model's
 * metadata (`models.get`), and says in plain words what went wrong, so a user setting the proxy
 * up learns whether the key, the model name or the network is at fault (`kind`: `key`,
 * `permission`, `model`, `quota`, `server`, `timeout`, `network` or `other`). Only the answer
 * decides: a metadata call that fails while the model answers (some gateways do not serve it)
 * is a `warning`, not a failure. `?model=` picks the model to test; a name not of the form of
 * a model id is a 400 `invalid_request_error` naming `model`, before any upstream call. Answers 200
 * `{ ok: true, model, latencyMs, warning? }` or 502 `{ ok: false, model, kind, problem }`.
 *
 * With a key pool (`apiKeys`) every key is checked, a few at a time, and the answer adds
 * `keys: [{ key: "…abcd", ok, latencyMs | problem }]` (fingerprints only). It is `ok` when at
 * least one key works; the broken ones are then named in `warning`, or in `problem` when none works.
 */
export async function handleTestConnection(scope: RequestScope): Promise<HandlerAnswer> {
  const { settings } = scope;
  const requested = new URL(scope.request.url).searchParams.get("model") ?? PROBE_MODEL_NAME;
  // Before any upstream call: the name goes into the Gemini URL path (a 400 naming `model`).
  checkModelName(requested, "model");
  const { controller, release } = linkAbortSignal(scope.signal);
  const timer = setTimeout(() => controller.abort(), Math.min(settings.requestTimeoutMs, 60_000));
  let model = requested;
  const startedAt = scope.elapsed();
  try {
    model = resolveModel(requested, settings.models).geminiModel;
    scope.emit({ type: "requestRead", model: requested, geminiModel: model, stream: false });
    if (settings.upstream.keys.size > 1) return await testEveryKey(scope, model, controller.signal);
    // Through the key pool: a dead key is taken out here too, and the next one is tried.
    const metadataProblem = await settings.upstream.run((client) =>
      probeModel(client, settings.upstream.wire(client), model, controller.signal, settings.baseUrl),
    );
    const body: Record<string, unknown> = { ok: true, model, latencyMs: scope.elapsed() - startedAt };
    if (metadataProblem) body.warning = metadataProblem;
    return respond(scope, 200, body);
  } catch (error) {
    const { kind, problem } = describeGeminiFailure(error, failureContext(scope, model));
    settings.logger.warn("connection test failed", { requestId: scope.requestId, kind, problem });
    scope.emit({
      type: "requestFailed",
      status: 502,
      errorType: mapUpstreamError(error, {}).body.error.type,
    });
    return respond(scope, 502, { ok: false, model, kind, problem });
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** The same two calls with each key of the pool on its own client, so one broken key cannot hide behind another. */
async function testEveryKey(scope: RequestScope, model: string, signal: AbortSignal): Promise<HandlerAnswer> {
  const { keys, wire } = scope.settings.upstream;
  const startedAt = scope.elapsed();
  let firstError: unknown;
  const checks = await mapWithConcurrency(keys.all, KEY_CHECK_CONCURRENCY, async (key): Promise<KeyCheck> => {
    const keyStartedAt = scope.elapsed();
    try {
      await probeModel(key.client, wire(key.client), model, signal, scope.settings.baseUrl);
      return { key: key.fingerprint, ok: true, latencyMs: scope.elapsed() - keyStartedAt };
    } catch (error) {
      // Told to the pool as any failed call would be: a dead key is taken out, a limited one rests.
      keys.report(key, error);
      firstError ??= error;
      const { problem } = describeGeminiFailure(error, {
        ...failureContext(scope, model),
        keyVariable: "GEMINI_API_KEYS",
      });
      return { key: key.fingerprint, ok: false, problem };
    }
  });
  const broken = checks.filter((check) => !check.ok);
  const ok = broken.length < checks.length;
  const body: Record<string, unknown> = { ok, model, latencyMs: scope.elapsed() - startedAt, keys: checks };
  if (broken.length > 0) {
    const list = broken.map((check) => `${check.key}: ${check.problem}`).join(" ");
    const sentence = ok
      ? `${broken.length} of ${checks.length} Gemini API keys do not work; the others carry the traffic. ${list}`
      : `None of the ${checks.length} Gemini API keys works. ${list}`;
    body[ok ? "warning" : "problem"] = sentence;
    if (!ok) {
      scope.emit({
        type: "requestFailed",
        status: 502,
        errorType: mapUpstreamError(firstError, {}).body.error.type,
      });
    }
    scope.settings.logger.warn("connection test found broken Gemini API keys", {
      requestId: scope.requestId,
      broken: broken.map((check) => check.key),
    });
  }
  return respond(scope, ok ? 200 : 502, body);
}

/**
 * One token from the model, then its metadata. Throws when the model does not answer; resolves
 * to a sentence when only the metadata call failed, which requests do not need.
 */
async function probeModel(
  client: GoogleGenAI,
  wire: GeminiWire,
  model: string,
  signal: AbortSignal,
  baseUrl: string | undefined,
): Promise<string | undefined> {
  // The generate call takes the same path as every request's (the REST wire); metadata, the SDK.
  await wire.generateContent({
    model,
    contents: [{ role: "user", parts: [{ text: "Reply with OK." }] }],
    config: { maxOutputTokens: 1, abortSignal: signal },
  });
  try {
    await client.models.get({ model, config: { abortSignal: signal } });
    return undefined;
  } catch (error) {
    const { problem } = describeGeminiFailure(error, { model, baseUrl });
    return `${model} answers, but its metadata call (models.get) failed, which requests do not need: ${problem}`;
  }
}

/** `map` with at most `limit` calls in flight; results keep the input order. */
async function mapWithConcurrency<Input, Output>(
  inputs: readonly Input[],
  limit: number,
  operation: (input: Input) => Promise<Output>,
): Promise<Output[]> {
  const results: Output[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await operation(inputs[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

function failureContext(scope: RequestScope, model: string) {
  const { settings } = scope;
  return { model, baseUrl: settings.baseUrl, vertexai: settings.vertexai };
}

function respond(scope: RequestScope, status: number, body: unknown): HandlerAnswer {
  return {
    status,
    headers: { "content-type": "application/json", "request-id": scope.requestId },
    body: JSON.stringify(body),
  };
}
