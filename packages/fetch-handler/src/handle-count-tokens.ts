import type { GeminiCountTokensParameters } from "@claude-gemini/core";
import { buildCountTokensRequest, estimateTokens, validateCountTokensRequest } from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import type { HandlerAnswer } from "./handler-core.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import { readBetas } from "./read-betas.js";
import { readJsonBody } from "./read-json-body.js";
import type { RequestScope } from "./request-scope.js";

const encoder = new TextEncoder();

/**
 * `POST /v1/messages/count_tokens`: Gemini's own count of the converted request (system
 * prompt and tools included). When Gemini cannot answer, a local estimate is returned with
 * the header `x-claude-gemini-token-estimate: true`: Claude Code uses the number to decide
 * when to compact, and a rough one serves it better than an error.
 *
 * Bursts (Claude Code's `/context` sends about two dozen at once) go through the handler's
 * count cache (`create-token-count-cache.ts`): a body counted before is answered from memory,
 * one in flight is counted once, and past a few new bodies per second the rest get the
 * estimate, with the same header.
 */
export async function handleCountTokens(scope: RequestScope): Promise<HandlerAnswer> {
  const { settings } = scope;
  const body = await readJsonBody(
    scope.request,
    settings.maxBodyBytes,
    settings.requestLimits?.maxNestingDepth,
  );
  const request = validateCountTokensRequest(body, {
    betas: readBetas(scope.request.headers),
    limits: settings.requestLimits,
  });
  const built = buildCountTokensRequest(request, {
    models: settings.models,
    schemaCompiler: settings.schemaCompiler,
  });
  scope.emit({ type: "requestRead", model: request.model, geminiModel: built.value.model, stream: false });

  let inputTokens: number | undefined;
  try {
    const counted = await settings.tokenCounts.count(await hashBody(built.value), () =>
      countUpstream(scope, built.value),
    );
    inputTokens = counted?.tokens;
    if (counted === undefined) {
      settings.logger.debug("count_tokens burst: answered with an estimate", { requestId: scope.requestId });
    }
  } catch (error) {
    if (scope.signal.aborted) throw error;
    settings.logger.warn("countTokens failed; answering with an estimate", {
      requestId: scope.requestId,
      error: describeFailure(error),
    });
  }
  const estimated = inputTokens === undefined;
  inputTokens ??= estimateTokens(request);
  scope.emit({ type: "usage", inputTokens });

  const headers: Record<string, string> = {
    "content-type": "application/json",
    "request-id": scope.requestId,
  };
  if (estimated) headers["x-claude-gemini-token-estimate"] = "true";
  return { status: 200, headers, body: JSON.stringify({ input_tokens: inputTokens }) };
}

/** One countTokens call, bounded by `requestTimeoutMs` and cancelled with the request. */
async function countUpstream(scope: RequestScope, parameters: GeminiCountTokensParameters): Promise<number> {
  const { settings } = scope;
  const { controller, release } = linkAbortSignal(scope.signal);
  const timer = setTimeout(() => controller.abort(), settings.requestTimeoutMs);
  try {
    const counted = await settings.upstream.run((client) =>
      client.models.countTokens({
        ...parameters,
        config: { ...parameters.config, abortSignal: controller.signal },
      }),
    );
    if (typeof counted.totalTokens !== "number") throw new Error("countTokens answered without totalTokens");
    return counted.totalTokens;
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** The cache key of a count: a digest of the Gemini request (model and contents), not the body itself. */
async function hashBody(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(JSON.stringify(value)));
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
