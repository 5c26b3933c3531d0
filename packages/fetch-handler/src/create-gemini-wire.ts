import type { GeminiGenerateContentParameters, GeminiGenerateContentResponse } from "@claude-gemini/core";
import type { GoogleGenAI } from "@google/genai";
import { buildGenerateContentBody, type GenerateContentTarget } from "./build-generate-content-body.js";
import { readGeminiErrorResponse } from "./read-gemini-error-response.js";
import { type GeminiChunkStream, readGeminiEventStream } from "./read-gemini-event-stream.js";
import { readGeminiResponse } from "./read-gemini-response.js";

/** The generate calls of one Gemini client, spoken in Gemini's REST wire format. */
export interface GeminiWire {
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
    httpOptions?: { baseUrlResourceScope?: string };
  };
}

/** The SDK's `ResourceScope.COLLECTION`: a base URL that already names the project and location. */
const COLLECTION_SCOPE = "COLLECTION";
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/**
 * Makes the generate calls of `client` (a `GoogleGenAI`) without its per-chunk machinery: the
 * body built by `buildGenerateContentBody`, sent with one `fetch`, a JSON answer parsed once, a
 * stream read by `readGeminiEventStream`, a failure turned into the SDK's `ApiError` by
 * `readGeminiErrorResponse`. `config.abortSignal` cancels the call and its stream. The client
 * itself goes on serving everything else (token counts, caches, model metadata).
 *
 * Not taken over from the SDK: its optional client-side retries (`httpOptions.retryOptions`;
 * the handler retries itself), `httpOptions.extraBody`, automatic function calling (the proxy
 * declares no callable tools) and automatic continuation of long decodes (a continuation
 * token in an answer is not followed: the answer ends with finish reason `CONTINUATION`).
 *
 * @example
 * const wire = createGeminiWire(new GoogleGenAI({ apiKey }));
 * const answer = await wire.generateContent({ model: "gemini-3.8-flash", contents });
 */
export function createGeminiWire(client: GoogleGenAI): GeminiWire {
  const sdk = readRequestClient(client);
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
  const customFetch = sdk.getFetch();
  const fetchFunction = customFetch ?? globalThis.fetch;
  const timeout = sdk.getTimeout();
  const baseHeaders: Record<string, string> = { ...sdk.getHeaders() };
  if (timeout !== undefined && timeout > 0)
    baseHeaders["X-Server-Timeout"] = String(Math.ceil(timeout / 1000));
  const apiKey = sdk.getApiKey();
  // An API key is one fixed header; other credentials (Vertex AI) are asked for each call,
  // google-auth-library caching and refreshing its tokens.
  const keyHeaders = apiKey === undefined ? undefined : { ...baseHeaders, "x-goog-api-key": apiKey };
  // Node's built-in fetch (undici) cuts a response after 300 s without headers or body data;
  // Gemini may think longer. The SDK lifts those limits the same way when no fetch is given.
  const dispatcher = customFetch === undefined ? createNoTimeoutDispatcher() : undefined;

  async function send(parameters: GeminiGenerateContentParameters, action: string): Promise<Response> {
    const { modelPath, body } = buildGenerateContentBody(parameters, target);
    const url = `${root}/${modelPath.startsWith("projects/") ? "" : resourcePrefix}${modelPath}:${action}`;
    let headers: Record<string, string> | Headers | undefined = keyHeaders;
    if (headers === undefined) {
      const authorised = new Headers(baseHeaders);
      await sdk.clientOptions.auth.addAuthHeaders(authorised, url);
      headers = authorised;
    }
    const callerSignal = parameters.config?.abortSignal;
    const signal =
      timeout !== undefined && timeout > 0
        ? callerSignal === undefined
          ? AbortSignal.timeout(timeout)
          : AbortSignal.any([callerSignal, AbortSignal.timeout(timeout)])
        : callerSignal;
    const init: RequestInit & { dispatcher?: unknown } = {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal,
    };
    if (dispatcher !== undefined) init.dispatcher = dispatcher;
    const response = await fetchFunction(url, init);
    if (!response.ok) throw await readGeminiErrorResponse(response);
    return response;
  }

  return {
    async generateContent(parameters) {
      const response = await send(parameters, "generateContent");
      return readGeminiResponse(await response.json());
    },
    async generateContentStream(parameters) {
      const response = await send(parameters, "streamGenerateContent?alt=sse");
      if (response.body === null) throw new Error("Gemini answered the stream without a body.");
      return readGeminiEventStream(response.body);
    },
  };
}

function readRequestClient(client: GoogleGenAI): SdkRequestClient {
  const candidate = (client as unknown as { apiClient?: Partial<SdkRequestClient> }).apiClient;
  if (
    typeof candidate?.getBaseUrl !== "function" ||
    typeof candidate.getHeaders !== "function" ||
    typeof candidate.clientOptions?.auth?.addAuthHeaders !== "function"
  ) {
    throw new TypeError(
      "client must be a GoogleGenAI instance from @google/genai: its base URL, headers and credentials are read from it",
    );
  }
  return candidate as SdkRequestClient;
}

/** Node's fetch dispatcher, as far as it is used here. */
interface Dispatcher {
  dispatch(options: Record<string, unknown>, handler: unknown): unknown;
}

const readGlobalDispatcher = (): Dispatcher | undefined =>
  (globalThis as unknown as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];

/** A per-request undici dispatcher with its header and body timeouts off (Node only). */
function createNoTimeoutDispatcher(): Dispatcher | undefined {
  const runtime = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof runtime?.versions?.node !== "string") return undefined;
  return {
    dispatch(options, handler) {
      let global = readGlobalDispatcher();
      if (global === undefined) {
        // Node creates its dispatcher on first use of its fetch machinery.
        new Headers();
        global = readGlobalDispatcher();
      }
      if (typeof global?.dispatch !== "function")
        throw new Error("Node's fetch dispatcher is not available.");
      return global.dispatch({ ...options, headersTimeout: 0, bodyTimeout: 0 }, handler);
    },
  };
}
