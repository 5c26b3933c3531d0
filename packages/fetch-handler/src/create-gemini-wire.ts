import type { GeminiGenerateContentParameters, GeminiGenerateContentResponse } from "@claude-gemini/core";
import type { GoogleGenAI, HttpRetryOptions } from "@google/genai";
import { buildGenerateContentBody, type GenerateContentTarget } from "./build-generate-content-body.js";
import { createFetchTransport } from "./create-fetch-transport.js";
import { createSdkMethodWire } from "./create-sdk-method-wire.js";
import type { RetryOptions } from "./fetch-handler-options.js";
import { readGeminiErrorResponse } from "./read-gemini-error-response.js";
import { type GeminiChunkStream, readGeminiEventStream } from "./read-gemini-event-stream.js";
import { readGeminiResponse } from "./read-gemini-response.js";
import type { UpstreamReply, UpstreamTransport } from "./upstream-transport.js";

/** The generate calls of one Gemini client, spoken in Gemini's REST wire format. */
export interface GeminiWire {
  /**
   * How the calls are made: `"rest"`, by the wire itself; `"sdk-methods"`, through the SDK's
   * public methods, when its request client could not be read (`createSdkMethodWire`).
   */
  via: "rest" | "sdk-methods";
  /** `…:generateContent`; rejects with the `ApiError` the SDK would throw. */
  generateContent(parameters: GeminiGenerateContentParameters): Promise<GeminiGenerateContentResponse>;
  /** `…:streamGenerateContent?alt=sse`, resolved once the answer's status is in. */
  generateContentStream(parameters: GeminiGenerateContentParameters): Promise<GeminiChunkStream>;
}

/**
 * The parts of `@google/genai`'s request client (`GoogleGenAI.apiClient`, which the SDK marks
 * internal) the wire reads its settings from, so a request goes where the SDK would send it
 * and carries what the SDK would send: base URL, API version, Vertex AI project and location,
 * the SDK's headers (`User-Agent`, `x-goog-api-client`, any `httpOptions.headers`), the
 * `httpOptions.fetch`, and the credentials (an API key, or google-auth-library's headers for
 * Vertex AI). Checked when a wire is made: a client without it is refused there.
 */
interface SdkRequestClient {
  isVertexAI(): boolean;
  getProject(): string | undefined;
  getLocation(): string | undefined;
  getBaseUrl(): string;
  getApiVersion(): string;
  getHeaders(): Record<string, string>;
  getFetch(): typeof fetch | undefined;
  getTimeout(): number | undefined;
  getApiKey(): string | undefined;
  clientOptions: {
    auth: { addAuthHeaders(headers: Headers, url?: string): Promise<void> };
    httpOptions?: {
      baseUrlResourceScope?: string;
      extraBody?: Record<string, unknown> | null;
      retryOptions?: HttpRetryOptions;
    };
  };
}

/** Options of {@link createGeminiWire}. */
export interface GeminiWireOptions {
  /**
   * How the calls reach Gemini. Default: a {@link createFetchTransport} on the client's
   * `httpOptions.fetch`, or on the runtime's `fetch` when the client has none.
   */
  transport?: UpstreamTransport;
}

/** The SDK's `ResourceScope.COLLECTION`: a base URL that already names the project and location. */
const COLLECTION_SCOPE = "COLLECTION";
/** 2xx statuses that carry no body by definition. */
const NULL_BODY_STATUSES = new Set([204, 205]);

/**
 * Makes the generate calls of `client` (a `GoogleGenAI`) without its per-chunk machinery: the
 * body built by `buildGenerateContentBody` (with the client's `httpOptions.extraBody` merged in
 * as the SDK merges it), sent through one {@link UpstreamTransport} call, a JSON answer parsed
 * once, a stream read by `readGeminiEventStream`, a failure turned into the SDK's `ApiError` by
 * `readGeminiErrorResponse`. `config.abortSignal` cancels the call and its stream; the client's
 * `httpOptions.timeout` bounds the whole call, body included, as in the SDK. The client itself
 * goes on serving everything else (token counts, caches, model metadata).
 *
 * Not done here: the SDK's optional client-side retries (`httpOptions.retryOptions`), which the
 * handler's one retry policy takes over (`readClientRetryOptions`), and automatic function
 * calling (the proxy declares no callable tools). Automatic continuation of long decodes is
 * `followContinuation`'s, around this wire.
 *
 * The settings are read from the SDK's request client, which it marks internal. A
 * `GoogleGenAI` whose request client does not have the expected shape (a version of
 * `@google/genai` that changed it) gets {@link createSdkMethodWire} instead (`via:
 * "sdk-methods"`), so an SDK upgrade slows the calls down rather than breaking them; an object
 * that is no `GoogleGenAI` at all (no `models.generateContent`) is refused with a `TypeError`.
 *
 * @example
 * const wire = createGeminiWire(new GoogleGenAI({ apiKey }));
 * const answer = await wire.generateContent({ model: "gemini-3.8-flash", contents });
 */
export function createGeminiWire(client: GoogleGenAI, options: GeminiWireOptions = {}): GeminiWire {
  const sdk = readRequestClient(client);
  if (sdk === undefined) return createSdkMethodWire(client);
  const { auth } = sdk.clientOptions;
  const vertexai = sdk.isVertexAI();
  const target: GenerateContentTarget = {
    vertexai,
    project: sdk.getProject(),
    location: sdk.getLocation(),
  };
  const base = sdk.getBaseUrl().replace(/\/$/, "");
  const version = sdk.getApiVersion();
  const root = version === "" ? base : `${base}/${version}`;
  const scoped =
    vertexai &&
    target.project !== undefined &&
    target.location !== undefined &&
    sdk.clientOptions.httpOptions?.baseUrlResourceScope !== COLLECTION_SCOPE;
  const resourcePrefix = scoped ? `projects/${target.project}/locations/${target.location}/` : "";
  const transport = options.transport ?? createFetchTransport(sdk.getFetch());
  const timeout = sdk.getTimeout();
  const timeoutMs = timeout !== undefined && timeout > 0 ? timeout : undefined;
  const baseHeaders: Record<string, string> = { ...sdk.getHeaders() };
  if (timeoutMs !== undefined) baseHeaders["X-Server-Timeout"] = String(Math.ceil(timeoutMs / 1000));
  const apiKey = sdk.getApiKey();
  // An API key is one fixed header; other credentials (Vertex AI) are asked for each call,
  // google-auth-library caching and refreshing its tokens.
  const keyHeaders = apiKey === undefined ? undefined : { ...baseHeaders, "x-goog-api-key": apiKey };
  const extraBody = sdk.clientOptions.httpOptions?.extraBody ?? undefined;
  const hasExtraBody = extraBody !== undefined && Object.keys(extraBody).length > 0;

  async function send(parameters: GeminiGenerateContentParameters, action: string): Promise<UpstreamReply> {
    const { modelPath, body } = buildGenerateContentBody(parameters, target);
    const url = `${root}/${modelPath.startsWith("projects/") ? "" : resourcePrefix}${modelPath}:${action}`;
    let headers: Record<string, string> | undefined = keyHeaders;
    if (headers === undefined) {
      const authorised = new Headers(baseHeaders);
      await auth.addAuthHeaders(authorised, url);
      headers = Object.fromEntries(authorised);
    }
    const reply = await transport({
      url,
      method: "POST",
      headers,
      body: JSON.stringify(hasExtraBody ? mergeExtraBody(body, extraBody) : body),
      signal: parameters.config?.abortSignal,
      timeoutMs,
    });
    if (reply.status < 200 || reply.status > 299) throw await readGeminiErrorResponse(reply);
    return reply;
  }

  return {
    via: "rest",
    async generateContent(parameters) {
      const reply = await send(parameters, "generateContent");
      return readGeminiResponse(JSON.parse(await reply.text()));
    },
    async generateContentStream(parameters) {
      const reply = await send(parameters, "streamGenerateContent?alt=sse");
      if (NULL_BODY_STATUSES.has(reply.status)) {
        reply.cancel();
        throw new Error("Gemini answered the stream without a body.");
      }
      return readGeminiEventStream(reply);
    },
  };
}

/**
 * A client's `httpOptions.retryOptions` in the handler's terms, or `undefined` when it has none
 * (the SDK then makes one attempt; the handler keeps its own defaults). The SDK's defaults fill
 * what they leave out: 5 attempts, 1 s first delay, 60 s longest, ×2 per attempt, statuses
 * 408, 429, 500, 502, 503, 504. Its `jitter` (a factor, default 1) only says whether waits are
 * random: 0 keeps them fixed, anything else keeps the handler's half-random waits. A client the
 * wire cannot read has none.
 */
export function readClientRetryOptions(client: GoogleGenAI): RetryOptions | undefined {
  let sdk: SdkRequestClient | undefined;
  try {
    sdk = readRequestClient(client);
  } catch {
    return undefined;
  }
  // Unreadable: the SDK's own methods make the calls and apply its retryOptions themselves.
  if (sdk === undefined) return undefined;
  const given = sdk.clientOptions.httpOptions?.retryOptions;
  if (given === undefined || given === null) return undefined;
  const seconds = (value: number | undefined, fallback: number) =>
    Math.round((Number.isFinite(value) ? (value as number) : fallback) * 1000);
  const codes = Array.isArray(given.httpStatusCodes)
    ? given.httpStatusCodes.filter((code) => Number.isInteger(code))
    : SDK_RETRY_STATUS_CODES;
  return {
    maxAttempts: Math.max(1, Number.isFinite(given.attempts) ? (given.attempts as number) : 5),
    baseDelayMs: seconds(given.initialDelay, 1),
    maxDelayMs: seconds(given.maxDelay, 60),
    backoffFactor: Number.isFinite(given.expBase) ? (given.expBase as number) : 2,
    ...(given.jitter === 0 ? { jitter: 0 } : {}),
    httpStatusCodes: codes,
  };
}

/** The statuses `@google/genai` retries when `retryOptions` list none (its `DEFAULT_RETRY_HTTP_STATUS_CODES`). */
const SDK_RETRY_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504];

/**
 * The SDK's request client of `client`, or `undefined` when it does not have the shape this
 * wire reads. Throws a `TypeError` for an object that is no `GoogleGenAI` at all.
 */
function readRequestClient(client: GoogleGenAI): SdkRequestClient | undefined {
  const models = (client as { models?: Partial<GoogleGenAI["models"]> } | null)?.models;
  if (typeof models?.generateContent !== "function" || typeof models.generateContentStream !== "function") {
    throw new TypeError(
      "client must be a GoogleGenAI instance from @google/genai: its generate calls and settings are read from it",
    );
  }
  const candidate = (client as unknown as { apiClient?: Partial<SdkRequestClient> }).apiClient;
  const readable =
    REQUEST_CLIENT_METHODS.every((name) => typeof candidate?.[name] === "function") &&
    typeof candidate?.clientOptions?.auth?.addAuthHeaders === "function";
  return readable ? (candidate as SdkRequestClient) : undefined;
}

/** The methods of the SDK's request client the wire calls. */
const REQUEST_CLIENT_METHODS = [
  "isVertexAI",
  "getProject",
  "getLocation",
  "getBaseUrl",
  "getApiVersion",
  "getHeaders",
  "getFetch",
  "getTimeout",
  "getApiKey",
] as const satisfies readonly (keyof Omit<SdkRequestClient, "clientOptions">)[];

/**
 * `extraBody` deep-merged into `body` as `@google/genai` merges `httpOptions.extraBody`: plain
 * objects merge key by key, anything else (arrays, values) from `extraBody` replaces.
 */
function mergeExtraBody(body: object, extraBody: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of Object.keys(extraBody)) {
    const value = extraBody[key];
    const current = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(current) ? mergeExtraBody(current, value) : value;
  }
  return merged;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
