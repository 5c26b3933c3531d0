import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { buildErrorBody } from "./build-error-body.js";
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

// Signatures stay valid across fake instances in one process, like the real service's.
const signatures = createSignatureRegistry();

interface Route {
  apiVersion: "v1" | "v1beta";
  model: string;
  action: FakeAction;
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
          record.abortedAfterMs = performance.now() - arrivedAt;
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
    const authFailure = checkApiKey(request, url, options.apiKey);
    if (authFailure) return reject(authFailure);
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
    const checkContext = { model, isKnownSignature: (value: string) => signatures.isKnown(value) };
    if (route.action === "countTokens") {
      const rejection = strict ? validateCountTokensRequest(record.body, checkContext) : undefined;
      if (rejection) return reject(rejection);
      sendJson(response, 200, { totalTokens: countTokens(record.body) });
      return;
    }
    const rejection = strict ? validateGenerateRequest(record.body, checkContext) : undefined;
    if (rejection) return reject(rejection);

    const scenario = queue.shift() ?? defaultScenario;
    const plan = planScenario(scenario, {
      request: record,
      model,
      signatures,
      responseId: randomBytes(9).toString("base64url"),
    });
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
  if (!match) return undefined;
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
  expected: string | undefined,
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
  if (expected !== undefined && key !== expected) {
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
    version: model.generation3 ? "3.0" : model.id.startsWith("gemini-2.0") ? "2.0" : "2.5",
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
