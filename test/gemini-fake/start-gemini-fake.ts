import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { buildErrorBody } from "./build-error-body.js";
import { type CacheCaller, type CacheStore, createCacheStore } from "./create-cache-store.js";
import { createServerPartRegistry } from "./create-server-part-registry.js";
import { createSignatureRegistry } from "./create-signature-registry.js";
import { estimateFakeTokens } from "./estimate-fake-tokens.js";
import type { FakeRejection } from "./fake-rejection.js";
import { type FakeModel, findKnownModel, KNOWN_MODELS } from "./known-models.js";
import { mergeResponseChunks } from "./merge-response-chunks.js";
import { type PlanEnding, planScenario, type ResponsePlan } from "./plan-scenario.js";
import type { FakeAction, GeminiFake, RecordedRequest, Scenario, StartGeminiFakeOptions } from "./types.js";
import { validateCountTokensRequest } from "./validate-count-tokens-request.js";
import { validateGenerateRequest } from "./validate-generate-request.js";

const DEFAULT_SCENARIO: Scenario = { kind: "text", text: "Hello from the Gemini fake." };

// Signatures stay valid across fake instances in one process, like the real service's; so do
// the server-side tool parts a client must echo.
const signatures = createSignatureRegistry();
const serverParts = createServerPartRegistry();
/** Continuation tokens of long-decode hops handed out; a request may send one back. */
const continuations = new Set<string>();

interface Route {
  apiVersion: "v1" | "v1beta" | "v1beta1";
  model: string;
  action: FakeAction;
  vertex?: { project: string; location: string };
  /** The full cached-content name of a `cachedContents/{id}` path. */
  cacheName?: string;
}

/**
 * Starts a strict stand-in for the Gemini API on 127.0.0.1. Point `@google/genai` at it with
 * `httpOptions: { baseUrl: fake.url }`; every request is recorded and validated like the real
 * service before the next queued {@link Scenario} answers it.
 *
 * @example
 * const fake = await startGeminiFake({ apiKey: "test-key" });
 * fake.enqueue({ kind: "text", text: "Hi", chunks: 2 });
 * const client = new GoogleGenAI({ apiKey: "test-key", apiVersion: "v1beta", httpOptions: { baseUrl: fake.url } });
 */
export async function startGeminiFake(options: StartGeminiFakeOptions = {}): Promise<GeminiFake> {
  const strict = options.strict ?? true;
  const queue: Scenario[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let defaultScenario = DEFAULT_SCENARIO;
  let nextId = 1;
  const cacheStore = createCacheStore({ minTokens: options.minCacheTokens ?? 1024 });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A fake bug must show up as a failed request, never as a crashed test process.
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          buildErrorBody({ status: 500, geminiStatus: "INTERNAL", message: String(error) }),
        );
      } else {
        response.destroy();
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const url = new URL(request.url ?? "/", "http://fake.invalid");
    const route = parseRoute(request.method ?? "GET", url.pathname);
    const rawBody = await readBody(request);
    const record: RecordedRequest = {
      id: nextId++,
      method: request.method ?? "GET",
      path: url.pathname,
      apiVersion: route?.apiVersion ?? "v1beta",
      model: route?.model ?? "",
      ...(route?.vertex ? { vertex: route.vertex } : {}),
      action: route?.action ?? "get",
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(request.headers),
      body: parseJson(rawBody),
      aborted: false,
    };
    requests.push(record);

    let closedBySelf = false;
    const closed = new Promise<void>((resolve) => {
      response.on("close", () => {
        if (!response.writableFinished && !closedBySelf) {
          record.aborted = true;
          record.abortedAt = performance.now();
          record.abortedAfterMs = record.abortedAt - arrivedAt;
        }
        resolve();
      });
    });
    const isOpen = () => !response.destroyed && !response.writableEnded;
    const reject = (rejection: FakeRejection) => {
      record.rejection = { status: rejection.status, message: rejection.message };
      sendJson(response, rejection.status, buildErrorBody(rejection));
    };

    if (!route) {
      reject({ status: 404, geminiStatus: "NOT_FOUND", message: `Unknown path ${url.pathname}.` });
      return;
    }
    const authFailure = route.vertex
      ? checkVertexCaller(request, route.vertex, options.vertex)
      : checkApiKey(request, url, acceptedKeys(options));
    if (authFailure) return reject(authFailure);
    const caller = describeCaller(request, url, route);
    if (route.action.endsWith("CachedContent")) {
      const outcome = serveCachedContent(cacheStore, route, record.body, caller);
      if ("geminiStatus" in outcome) return reject(outcome);
      sendJson(response, outcome.status, outcome.body);
      return;
    }
    if (route.action === "list") {
      sendJson(response, 200, { models: Object.values(KNOWN_MODELS).map(describeModel) });
      return;
    }
    const model = findKnownModel(route.model);
    if (!model) {
      return reject({
        status: 404,
        geminiStatus: "NOT_FOUND",
        message: `models/${route.model} is not found for API version ${route.apiVersion}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      });
    }
    if (route.action === "get") {
      sendJson(response, 200, describeModel(model));
      return;
    }
    if (record.body === undefined) {
      return reject({
        status: 400,
        geminiStatus: "INVALID_ARGUMENT",
        message: `Invalid JSON payload received. Unexpected token.\n${rawBody.slice(0, 40)}\n^`,
      });
    }
    const checkContext = {
      model,
      isKnownSignature: (value: string) => signatures.isKnown(value, model.id),
      isIssuedServerPart: (part: unknown) => serverParts.isIssued(part),
      vertex: route.vertex !== undefined,
    };
    if (route.action === "countTokens") {
      const rejection = strict ? validateCountTokensRequest(record.body, checkContext) : undefined;
      if (rejection) return reject(rejection);
      sendJson(response, 200, { totalTokens: countTokens(record.body) });
      return;
    }
    // A cached content is folded into the body, so every rule also sees the cached tools.
    let cachedTokens: number | undefined;
    let checkedRecord = record;
    if (record.body !== null && typeof record.body === "object" && record.body.cachedContent !== undefined) {
      const resolved = cacheStore.resolve(record.body, model.id, caller);
      if ("geminiStatus" in resolved) return reject(resolved);
      cachedTokens = resolved.cache.tokens;
      checkedRecord = { ...record, body: resolved.body };
    }
    const rejection = strict ? validateGenerateRequest(checkedRecord.body, checkContext) : undefined;
    if (rejection) return reject(rejection);
    const continuationToken = (record.body as { continuationToken?: unknown } | null)?.continuationToken;
    if (continuationToken !== undefined && !continuations.has(continuationToken as string)) {
      // Wording guessed: no source quotes the service's answer to a token it did not issue.
      return reject({
        status: 400,
        geminiStatus: "INVALID_ARGUMENT",
        message: "Request contains an invalid argument: the continuation token is not valid.",
      });
    }

    const scenario = queue.shift() ?? defaultScenario;
    const plan = addCachedTokens(
      planScenario(scenario, {
        request: checkedRecord,
        model,
        signatures,
        serverParts,
        continuations,
        responseId: randomBytes(9).toString("base64url"),
      }),
      cachedTokens,
    );
    const streaming = route.action === "streamGenerateContent";
    const wait = (milliseconds: number) =>
      milliseconds > 0
        ? Promise.race([new Promise<void>((resolve) => setTimeout(resolve, milliseconds)), closed])
        : Promise.resolve();
    const endAbruptly = async (mode: "close" | "reset") => {
      closedBySelf = true;
      const socket = response.socket;
      if (!socket) return;
      if (mode === "close") {
        socket.end();
        return;
      }
      // Give the client a moment to read what was sent before the RST discards it.
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.resetAndDestroy();
    };

    await wait(plan.delayMs);
    if (!isOpen()) return;
    if (plan.type === "json") {
      if (streaming && plan.status < 400) await writeStream(response, [plan.body], { type: "finish" });
      else sendJson(response, plan.status, plan.body);
      return;
    }
    if (!streaming) {
      await playUnary(response, plan, { closed, endAbruptly });
      return;
    }
    await writeStream(response, plan.chunks, plan.ending, {
      between: () => wait(plan.betweenMs),
      isOpen,
      closed,
      endAbruptly,
      alt: record.query.alt,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...scenarios) => {
      queue.push(...scenarios);
    },
    setDefault: (scenario) => {
      defaultScenario = scenario;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      nextId = 1;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
    cachedContents: () => cacheStore.list(),
    expireCachedContents: () => cacheStore.expireAll(),
  };
}

interface StreamControls {
  between: () => Promise<unknown>;
  isOpen: () => boolean;
  closed: Promise<void>;
  endAbruptly: (mode: "close" | "reset") => Promise<void>;
  alt: string | undefined;
}

async function writeStream(
  response: ServerResponse,
  chunks: unknown[],
  ending: PlanEnding,
  controls?: StreamControls,
): Promise<void> {
  const sse = controls === undefined || controls.alt === "sse";
  if (!sse && controls) {
    // Without `alt=sse` the real service streams one JSON array; the fake sends it whole.
    await playUnary(response, { type: "chunks", chunks, ending, delayMs: 0, betweenMs: 0 }, controls, true);
    return;
  }
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.flushHeaders();
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0 && controls) await controls.between();
    if (controls && !controls.isOpen()) return;
    await write(response, `data: ${JSON.stringify(chunk)}\r\n\r\n`);
  }
  if (controls && !controls.isOpen()) return;
  switch (ending.type) {
    case "finish":
      response.end();
      return;
    case "close":
    case "reset":
      await controls?.endAbruptly(ending.type);
      return;
    case "garbage":
      await write(response, 'data: {"candidates": [{"content": {"parts": [{"text": "trunc\r\n\r\n');
      response.end();
      return;
    case "stall":
      await controls?.closed;
      return;
    case "error_chunk":
      await write(response, `data: ${JSON.stringify(ending.body)}\r\n\r\n`);
      response.end();
      return;
  }
}

async function playUnary(
  response: ServerResponse,
  plan: Extract<ResponsePlan, { type: "chunks" }>,
  controls: Pick<StreamControls, "closed" | "endAbruptly">,
  asArray = false,
): Promise<void> {
  switch (plan.ending.type) {
    case "finish":
      sendJson(response, 200, asArray ? plan.chunks : mergeResponseChunks(plan.chunks));
      return;
    case "close":
    case "reset":
      await controls.endAbruptly(plan.ending.type);
      return;
    case "garbage":
      response.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
      response.end('{"candidates": [{"content": {"parts": [{"text": "trunc');
      return;
    case "stall":
      await controls.closed;
      return;
    case "error_chunk":
      sendJson(response, plan.ending.status, plan.ending.body);
      return;
  }
}

function write(response: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed || response.writableEnded) return resolve();
    response.write(text, () => resolve());
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

const ROUTE = /^\/(v1|v1beta)\/models(?:\/([^/:]+)(?::([A-Za-z]+))?)?\/?$/;
const POST_ACTIONS = new Set(["generateContent", "streamGenerateContent", "countTokens"]);

function parseRoute(method: string, pathname: string): Route | undefined {
  const match = ROUTE.exec(pathname);
  if (!match) return parseVertexOrCacheRoute(method, pathname);
  const apiVersion = match[1] as "v1" | "v1beta";
  const model = decodeURIComponent(match[2] ?? "");
  const verb = match[3];
  if (method === "GET" && !model && !verb) return { apiVersion, model: "", action: "list" };
  if (method === "GET" && model && !verb) return { apiVersion, model, action: "get" };
  if (method === "POST" && model && verb && POST_ACTIONS.has(verb)) {
    return { apiVersion, model, action: verb as FakeAction };
  }
  return undefined;
}

function checkApiKey(
  request: IncomingMessage,
  url: URL,
  expected: readonly string[] | undefined,
): FakeRejection | undefined {
  const header = request.headers["x-goog-api-key"];
  const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key") ?? undefined;
  if (!key) {
    return {
      status: 403,
      geminiStatus: "PERMISSION_DENIED",
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    };
  }
  if (expected !== undefined && !expected.includes(key)) {
    return {
      status: 400,
      geminiStatus: "INVALID_ARGUMENT",
      message: "API key not valid. Please pass a valid API key.",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ],
    };
  }
  return undefined;
}

function describeModel(model: FakeModel): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    version: /^gemini-(\d+(?:\.\d+)?)/.exec(model.id)?.[1] ?? "unknown",
    displayName: model.displayName,
    description: `${model.displayName} (served by the Gemini fake)`,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
    supportedGenerationMethods: ["generateContent", "countTokens"],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: model.thinking.style !== "none",
  };
}

/** The same estimate a generate answer reports as `promptTokenCount`. */
function countTokens(body: Record<string, unknown>): number {
  const source = (body.generateContentRequest as Record<string, unknown> | undefined) ?? body;
  return estimateFakeTokens([source.contents, source.systemInstruction, source.tools]);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const pieces: Buffer[] = [];
    request.on("data", (piece: Buffer) => pieces.push(piece));
    request.on("end", () => resolve(Buffer.concat(pieces).toString("utf8")));
    request.on("error", () => resolve(Buffer.concat(pieces).toString("utf8")));
  });
}

function parseJson(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

// Vertex AI: `/{version}/projects/{p}/locations/{l}/publishers/google/models/{m}:{verb}` for calls,
// `/{version}/publishers/google/models/{m}` for `models.get` (the SDK leaves the project out there).
const VERTEX_MODEL_ROUTE =
  /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;
const VERTEX_GET_MODEL_ROUTE = /^\/(v1|v1beta1)\/publishers\/google\/models\/([^/:]+)$/;
const CACHE_ROUTE = /^\/(v1|v1beta)\/cachedContents(?:\/([^/]+))?$/;
const VERTEX_CACHE_ROUTE =
  /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/cachedContents(?:\/([^/]+))?$/;
const CACHE_ACTIONS: Readonly<Record<string, FakeAction>> = {
  POST: "createCachedContent",
  GET: "getCachedContent",
  PATCH: "updateCachedContent",
  DELETE: "deleteCachedContent",
};

function parseVertexOrCacheRoute(method: string, pathname: string): Route | undefined {
  const call = VERTEX_MODEL_ROUTE.exec(pathname);
  if (call) {
    const verb = call[5]!;
    if (method !== "POST" || !POST_ACTIONS.has(verb)) return undefined;
    return {
      apiVersion: call[1] as Route["apiVersion"],
      model: decodeURIComponent(call[4]!),
      action: verb as FakeAction,
      vertex: { project: call[2]!, location: call[3]! },
    };
  }
  const get = VERTEX_GET_MODEL_ROUTE.exec(pathname);
  if (get && method === "GET") {
    // No project in the path: the caller is still a Vertex AI caller, of no particular project.
    return {
      apiVersion: get[1] as Route["apiVersion"],
      model: decodeURIComponent(get[2]!),
      action: "get",
      vertex: { project: "", location: "" },
    };
  }
  const cache = CACHE_ROUTE.exec(pathname);
  const vertexCache = cache ? undefined : VERTEX_CACHE_ROUTE.exec(pathname);
  const action = CACHE_ACTIONS[method];
  if (!action || !(cache || vertexCache)) return undefined;
  const id = cache ? cache[2] : vertexCache![4];
  // POST on the collection creates; everything else addresses one cached content.
  if ((action === "createCachedContent") !== (id === undefined)) return undefined;
  if (cache) {
    return {
      apiVersion: cache[1] as Route["apiVersion"],
      model: "",
      action,
      ...(id ? { cacheName: `cachedContents/${id}` } : {}),
    };
  }
  const [, version, project, location] = vertexCache!;
  return {
    apiVersion: version as Route["apiVersion"],
    model: "",
    action,
    vertex: { project: project!, location: location! },
    ...(id ? { cacheName: `projects/${project}/locations/${location}/cachedContents/${id}` } : {}),
  };
}

function acceptedKeys(options: StartGeminiFakeOptions): string[] | undefined {
  if (options.apiKey === undefined && options.apiKeys === undefined) return undefined;
  return [...(options.apiKey === undefined ? [] : [options.apiKey]), ...(options.apiKeys ?? [])];
}

/** Vertex AI wants an OAuth bearer token (never an API key) and, when configured, one project and location. */
function checkVertexCaller(
  request: IncomingMessage,
  vertex: { project: string; location: string },
  expected: StartGeminiFakeOptions["vertex"],
): FakeRejection | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  if (!token || (expected?.acceptToken && !expected.acceptToken(token))) {
    return {
      status: 401,
      geminiStatus: "UNAUTHENTICATED",
      message:
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    };
  }
  const projectless = vertex.project === "" && vertex.location === "";
  if (
    expected &&
    !projectless &&
    (vertex.project !== expected.project || vertex.location !== expected.location)
  ) {
    return {
      status: 403,
      geminiStatus: "PERMISSION_DENIED",
      message: `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${vertex.project}/locations/${vertex.location}' (or it may not exist).`,
    };
  }
  return undefined;
}

/** Who owns the caches a request may see: its API key, or its Vertex project and location. */
function describeCaller(request: IncomingMessage, url: URL, route: Route): CacheCaller {
  if (route.vertex) {
    const where = `projects/${route.vertex.project}/locations/${route.vertex.location}`;
    return { owner: `vertex:${where}`, namePrefix: `${where}/cachedContents/` };
  }
  const header = request.headers["x-goog-api-key"];
  const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key") ?? "";
  return { owner: key, namePrefix: "cachedContents/" };
}

function serveCachedContent(
  store: CacheStore,
  route: Route,
  body: unknown,
  caller: CacheCaller,
): { status: number; body: unknown } | FakeRejection {
  const name = route.cacheName ?? "";
  switch (route.action) {
    case "createCachedContent":
      return store.create(body, caller);
    case "getCachedContent": {
      const found = store.get(name, caller);
      if ("geminiStatus" in found) return found;
      return {
        status: 200,
        body: {
          name: found.name,
          model: found.model,
          usageMetadata: { totalTokenCount: found.tokens },
          expireTime: new Date(found.expireTime).toISOString(),
        },
      };
    }
    case "updateCachedContent":
      return store.update(name, body, caller);
    default:
      return store.delete(name, caller);
  }
}

/** Every chunk of a request served from a cache reports the cached part of its prompt. */
function addCachedTokens(plan: ResponsePlan, cachedTokens: number | undefined): ResponsePlan {
  if (cachedTokens === undefined || plan.type !== "chunks") return plan;
  for (const chunk of plan.chunks as { usageMetadata?: Record<string, number> }[]) {
    if (chunk.usageMetadata) chunk.usageMetadata.cachedContentTokenCount = cachedTokens;
  }
  return plan;
}
