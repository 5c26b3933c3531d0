import { buildCountTokensRequest, estimateTokens, validateCountTokensRequest } from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import { linkAbortSignal } from "./link-abort-signal.js";
import { readBetas } from "./read-betas.js";
import { readJsonBody } from "./read-json-body.js";
import type { RequestScope } from "./request-scope.js";

/**
 * `POST /v1/messages/count_tokens`: Gemini's own count of the converted request (system
 * prompt and tools included). When Gemini cannot answer, a local estimate is returned with
 * the header `x-claude-gemini-token-estimate: true`: Claude Code uses the number to decide
 * when to compact, and a rough one serves it better than an error.
 */
export async function handleCountTokens(scope: RequestScope): Promise<Response> {
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
  scope.record.model = request.model;
  const built = buildCountTokensRequest(request, {
    models: settings.models,
    schemaCompiler: settings.schemaCompiler,
  });
  scope.record.geminiModel = built.value.model;

  const { controller, release } = linkAbortSignal(scope.signal);
  const timer = setTimeout(() => controller.abort(), settings.requestTimeoutMs);
  let inputTokens: number;
  let estimated = false;
  try {
    const counted = await settings.upstream.run((client) =>
      client.models.countTokens({
        ...built.value,
        config: { ...built.value.config, abortSignal: controller.signal },
      }),
    );
    if (typeof counted.totalTokens !== "number") throw new Error("countTokens answered without totalTokens");
    inputTokens = counted.totalTokens;
  } catch (error) {
    if (scope.signal.aborted) throw error;
    settings.logger.warn("countTokens failed; answering with an estimate", {
      requestId: scope.requestId,
      error: describeFailure(error),
    });
    inputTokens = estimateTokens(request);
    estimated = true;
  } finally {
    clearTimeout(timer);
    release();
  }
  scope.record.inputTokens = inputTokens;

  const headers: Record<string, string> = {
    "content-type": "application/json",
    "request-id": scope.requestId,
  };
  if (estimated) headers["x-claude-gemini-token-estimate"] = "true";
  return new Response(JSON.stringify({ input_tokens: inputTokens }), { status: 200, headers });
}
