import { ClaudeGeminiError, listConfiguredModels, mapUpstreamError } from "@claude-gemini/core";
import { applyCors } from "./apply-cors.js";
import { checkClientAuth } from "./check-client-auth.js";
import { checkKeylessRequest } from "./check-keyless-request.js";
import { answerWithMappedError, createErrorAnswer } from "./create-error-response.js";
import { createTracer } from "./create-tracer.js";
import { createWebResponse } from "./create-web-response.js";
import { describeFailure } from "./describe-failure.js";
import type { FetchHandler, FetchHandlerOptions } from "./fetch-handler-options.js";
import { handleCountTokens } from "./handle-count-tokens.js";
import { handleMessages } from "./handle-messages.js";
import { handleModels } from "./handle-models.js";
import { handleTestConnection } from "./handle-test-connection.js";
import { HANDLER_CORE, type HandlerAnswer, type HandlerCore } from "./handler-core.js";
import { resolveHandlerSettings } from "./handler-settings.js";
import { readWebRequest } from "./read-web-request.js";
import { createRequestScope, type RequestScope } from "./request-scope.js";
import { describeRouteMiss, type RouteMatch, routeRequest } from "./route-request.js";

/**
 * Builds the handler that serves the Anthropic Messages API from Gemini: `POST /v1/messages`
 * (JSON or SSE), `POST /v1/messages/count_tokens`, `GET /v1/models[/{id}]`, `GET /health` and
 * `GET /test-connection` (and `GET /metrics` with the `metrics` option). It is a plain `(Request) => Promise<Response>`, served as is by
 * Deno, Bun and Workers and bridged by `@claude-gemini/node-http` on Node, which serves Node
 * requests through the core this function carries under `HANDLER_CORE` (no `Request` or
 * `Response` built per request; see `handler-core.ts`). One Gemini client
 * is made per handler, so connections are reused. Every response carries `request-id`, and
 * every error is in Anthropic's format. Without `proxyApiKey` only loopback `Host`s are served,
 * foreign `Origin`s are refused and bodies must be `application/json` (`checkKeylessRequest`).
 *
 * @example
 * const handler = createFetchHandler({ apiKey: process.env.GEMINI_API_KEY });
 * Deno.serve(handler);
 */
export function createFetchHandler(options: FetchHandlerOptions): FetchHandler {
  const settings = resolveHandlerSettings(options, [createTracer()]);
  // The configured models' metadata, in the background: no request waits for it.
  for (const model of listConfiguredModels(options.models)) settings.knowledge.prefetch(model);

  const handle: HandlerCore = async (request) => {
    const path = request.pathname;
    const match = routeRequest(request.method, path);
    const scope = createRequestScope(
      request,
      path,
      match.kind === "not-found" ? undefined : match.name,
      settings,
    );
    let answer: HandlerAnswer;
    try {
      answer = await dispatch(scope, match);
    } catch (error) {
      answer = failWith(scope, error);
    }
    if (!scope.deferCompletion) scope.complete(answer.status);
    return answer;
  };
  const cors = options.cors;
  const core: HandlerCore =
    cors === undefined ? handle : (request) => applyCors(request, cors, () => handle(request));
  // The WHATWG face every host serves; node-http finds the core under HANDLER_CORE and skips it.
  const handler: FetchHandler = async (request) => createWebResponse(await core(readWebRequest(request)));
  return Object.defineProperty(handler, HANDLER_CORE, { value: core });
}

async function dispatch(scope: RequestScope, match: RouteMatch): Promise<HandlerAnswer> {
  // Load balancers poll /health; Claude Code checks its base URL with HEAD / and /api/hello.
  if (match.kind === "route" && (match.name === "health" || match.name === "probe"))
    return respondHealthy(scope);
  const proxyApiKey = scope.settings.proxyApiKey;
  if (proxyApiKey === undefined) {
    // No key: only this machine's own clients, never a web page (see check-keyless-request.ts).
    const refusal = checkKeylessRequest(scope.request, {
      allowUnauthenticatedRemote: scope.settings.allowUnauthenticatedRemote,
      cors: scope.settings.cors,
      readsBody: match.kind === "route" && (match.name === "messages" || match.name === "count-tokens"),
    });
    if (refusal !== undefined) throw refusal;
  } else if (!(await checkClientAuth(scope.request, proxyApiKey))) {
    throw new ClaudeGeminiError({
      status: 401,
      type: "authentication_error",
      message: "invalid x-api-key",
    });
  }
  if (match.kind === "not-found" || (match.name === "metrics" && scope.settings.metrics === undefined)) {
    throw new ClaudeGeminiError({
      status: 404,
      type: "not_found_error",
      message: describeRouteMiss(scope.request.method, scope.path, { kind: "not-found" }),
    });
  }
  if (match.kind === "method-not-allowed") {
    const answer = createErrorAnswer(
      new ClaudeGeminiError({
        status: 405,
        type: "invalid_request_error",
        message: describeRouteMiss(scope.request.method, scope.path, match),
      }),
      scope.requestId,
      { allow: match.allow },
    );
    scope.emit({ type: "requestFailed", status: 405, errorType: "invalid_request_error" });
    return answer;
  }
  switch (match.name) {
    case "messages":
      return handleMessages(scope);
    case "count-tokens":
      return handleCountTokens(scope);
    case "list-models":
      return handleModels(scope);
    case "get-model":
      return handleModels(scope, match.modelId);
    case "test-connection":
      return handleTestConnection(scope);
    case "metrics":
      return respondWithMetrics(scope);
    case "health":
    case "probe":
      return respondHealthy(scope);
  }
}

/** No upstream call and nothing about the configuration: load balancers poll this. */
function respondHealthy(scope: RequestScope): HandlerAnswer {
  return {
    status: 200,
    headers: { "content-type": "application/json", "request-id": scope.requestId },
    body: JSON.stringify({ status: "ok" }),
  };
}

/** The Prometheus page of the handler's metrics (`metrics` option); scrapes themselves are not counted. */
function respondWithMetrics(scope: RequestScope): HandlerAnswer {
  const metrics = scope.settings.metrics!;
  const head = scope.request.method.toUpperCase() === "HEAD";
  return {
    status: 200,
    headers: {
      "content-type": metrics.contentType,
      "cache-control": "no-store",
      "request-id": scope.requestId,
    },
    body: head ? null : metrics.render(),
  };
}

function failWith(scope: RequestScope, error: unknown): HandlerAnswer {
  const mapped = mapUpstreamError(error, { requestId: scope.requestId });
  const response = answerWithMappedError(mapped, scope.requestId, {}, scope.settings.redact);
  if (scope.signal.aborted) {
    scope.emit({ type: "requestFailed", status: response.status, errorType: "aborted" });
  } else {
    scope.emit({
      type: "requestFailed",
      status: response.status,
      errorType: mapped.body.error.type,
    });
    const log = response.status >= 500 ? scope.settings.logger.error : scope.settings.logger.info;
    log("request failed", {
      requestId: scope.requestId,
      status: response.status,
      error: describeFailure(error),
    });
  }
  return response;
}
