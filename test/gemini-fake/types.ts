/**
 * Public types of the strict Gemini fake. Tests import them from `./index.js`.
 *
 * The fake answers the same URLs as `generativelanguage.googleapis.com`, validates every
 * request as strictly as the real service (see `validate-generate-request.ts`), then plays a
 * {@link Scenario}.
 */

/** The endpoint a request addressed. */
export type FakeAction =
  | "generateContent"
  | "streamGenerateContent"
  | "countTokens"
  | "get"
  | "list"
  | "createCachedContent"
  | "getCachedContent"
  | "updateCachedContent"
  | "deleteCachedContent";

/** One request the fake received, as it arrived on the wire. */
export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  /** `v1beta1` only on Vertex AI paths. */
  apiVersion: "v1" | "v1beta" | "v1beta1";
  /** Set for Vertex AI paths (`/v1beta1/projects/{project}/locations/{location}/…`). */
  vertex?: { project: string; location: string };
  /** Model id without the `models/` prefix; empty for `GET models`. */
  model: string;
  action: FakeAction;
  query: Record<string, string>;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: wire bodies are arbitrary JSON, tests index into them freely.
  body: any;
  /** Set when the fake rejected the request as the real service would: the status and message it sent. */
  rejection?: { status: number; message: string };
  /** True when the client closed the connection before the response finished. */
  aborted: boolean;
  /** Time from arrival to abort detection, ms (for "upstream aborted within 100 ms" checks). */
  abortedAfterMs?: number;
  /** `performance.now()` when the abort was seen, to compare with a client's clock in the same process. */
  abortedAt?: number;
}

/** A finish reason the fake can put on a candidate. */
export type FakeFinishReason =
  | "STOP"
  | "MAX_TOKENS"
  | "SAFETY"
  | "RECITATION"
  | "LANGUAGE"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "SPII"
  | "MALFORMED_FUNCTION_CALL"
  | "UNEXPECTED_TOOL_CALL"
  | "TOO_MANY_TOOL_CALLS"
  | "MISSING_THOUGHT_SIGNATURE"
  | "MALFORMED_RESPONSE"
  | "IMAGE_SAFETY"
  | "FINISH_REASON_UNSPECIFIED";

/** Overrides for the usage numbers the fake reports; anything omitted is estimated. */
export interface FakeUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/**
 * A built-in tool the model runs on the server when the request sets
 * `toolConfig.includeServerSideToolInvocations` and enables the tool: it answers with a
 * `toolCall` and a `toolResponse` part (https://ai.google.dev/gemini-api/docs/tool-combination;
 * Google Search args `queries`, response `search_suggestions`; URL context args `urls`).
 */
export interface FakeServerTool {
  toolType: "GOOGLE_SEARCH_WEB" | "URL_CONTEXT";
  args: Record<string, unknown>;
  response: Record<string, unknown>;
}

/** A function call the model "makes". */
export interface FakeCall {
  name: string;
  args: Record<string, unknown>;
  /** Gemini 3 sometimes sends ids; omitted here means no `id` on the wire. */
  id?: string;
}

/**
 * What the fake answers to the next generate request. Every kind is handled by exactly one
 * case in `plan-scenario.ts`.
 */
export type Scenario =
  | {
      kind: "text";
      text: string;
      /** Thought text, sent as `thought: true` parts only when the request asked for `includeThoughts`. */
      thoughts?: string;
      /** Split the answer text into this many stream chunks (default 1). */
      chunks?: number;
      finishReason?: FakeFinishReason;
      usage?: FakeUsage;
      /**
       * Attach thought signatures. Default: only for Gemini 3 models. `true` forces them on any
       * model, `false` never, `"gemini3"` is the default behaviour spelled out.
       */
      signatures?: boolean | "gemini3";
      /** Server-side tool parts sent first, when the request combines built-in tools with functions. */
      serverTools?: FakeServerTool[];
      /**
       * Ends this answer as one hop of a long decode (Gemini 4): the last chunk carries this
       * token and finish reason `CONTINUATION` (unless `finishReason` says otherwise), and the
       * fake accepts the token in a later request's top-level `continuationToken`.
       */
      continuationToken?: string;
    }
  | {
      kind: "tool_calls";
      calls: FakeCall[];
      /** Text the model says before calling. */
      text?: string;
      thoughts?: string;
      /** Send each call in its own chunk (parallel calls may arrive separately). */
      splitAcrossChunks?: boolean;
      usage?: FakeUsage;
      signatures?: boolean | "gemini3";
      /** Server-side tool parts sent first, when the request combines built-in tools with functions. */
      serverTools?: FakeServerTool[];
    }
  | {
      kind: "error";
      status: number;
      geminiStatus: string;
      message: string;
      /** Adds a `RetryInfo` detail, e.g. `"2s"`. */
      retryDelay?: string;
      /** Adds an `ErrorInfo` detail with this reason, e.g. `"API_KEY_INVALID"`. */
      reason?: string;
    }
  | { kind: "blocked"; blockReason: string }
  | { kind: "finish"; finishReason: FakeFinishReason; text?: string }
  | { kind: "empty_candidates" }
  /** Sends `afterChunks` text chunks, then ends the connection without a finish reason. */
  | { kind: "cut_stream"; afterChunks: number; mode: "close" | "reset" }
  /** Sends `afterChunks` text chunks, then a `data:` line that is not JSON, then ends. */
  | { kind: "garbage_chunk"; afterChunks: number }
  /** Sends `afterChunks` text chunks, then a chunk `{error: {...}}` like the real mid-stream error. */
  | { kind: "error_chunk"; afterChunks: number; geminiStatus: string; message: string; code?: number }
  /** A normal text answer whose last chunk carries no `finishReason`. */
  | { kind: "no_finish_reason"; text?: string }
  /** Waits `delayMs` before answering, and `between` ms before every later chunk. */
  | { kind: "slow"; delayMs: number; between?: number; inner: Scenario }
  /** Sends `afterChunks` text chunks, then keeps the connection open until the client aborts. */
  | { kind: "stall"; afterChunks: number }
  /** Escape hatch: answer with whatever the test builds. */
  | {
      kind: "respond";
      handler: (request: RecordedRequest) => { status: number; body: unknown } | { chunks: unknown[] };
    }
  /** Answers with a text describing what it received (contents, tools, config) as JSON. */
  | { kind: "echo" }
  /**
   * A scripted model: the handler reads the request (last user turn, tool results, model)
   * and picks the scenario that answers it. Unlike `respond`, the chosen scenario is planned
   * like a queued one, so Gemini 3 answers get real signatures. Use it with `setDefault` when
   * a client sends requests in an order the test cannot know.
   */
  | { kind: "script"; handler: (request: RecordedRequest) => Scenario }
  /**
   * A Google Search grounded answer: `text` in `chunks` stream pieces (default 2), then the last
   * chunk carries `groundingMetadata` (queries, web chunks, supports with UTF-8 byte offsets of each
   * `supports[].text` inside `text`), as the real service sends it. A request without a
   * `googleSearch` tool gets the plain text without metadata, like a model that could not search.
   */
  | {
      kind: "grounded";
      text: string;
      queries: string[];
      sources: { uri: string; title: string }[];
      /** `text` must occur in the answer; `sources` index into `sources`. */
      supports: { text: string; sources: number[] }[];
      chunks?: number;
    }
  /**
   * A structured-output answer: `value` as compact JSON text when the request set
   * `responseMimeType: "application/json"`, else wrapped in prose and a code fence, the way a model
   * answers when nobody asked for JSON mode.
   */
  | { kind: "json"; value: unknown }
  /**
   * The proxy's auto-mode classifier (Claude Code's `safeguards` check): the request carries a
   * JSON document whose `actions_to_review` lists the calls; `judge` decides each one, and the
   * answer is the `{ verdicts }` JSON the proxy asks for (bare only in JSON mode). A request that
   * is no classifier request is answered 400, so a test notices a wrong route.
   */
  | { kind: "verdicts"; judge: (action: ReviewedAction) => { flagged: boolean; reason?: string } };

/** One call the auto-mode classifier is asked about, as the fake reads it from the request. */
export interface ReviewedAction {
  /** `call_1`, `call_2`… */
  call: string;
  tool: string;
  input: unknown;
}

/** What the fake can do. */
export interface GeminiFake {
  /** e.g. `http://127.0.0.1:PORT` (no trailing slash, no version). */
  url: string;
  requests: RecordedRequest[];
  /** Queue scenarios: each generate request takes the next one; when empty, the default answers. */
  enqueue(...scenarios: Scenario[]): void;
  setDefault(scenario: Scenario): void;
  /** Clears the queue and the recorded requests and restarts ids at 1 (issued signatures stay valid). */
  reset(): void;
  /** Stops the server and destroys open sockets. */
  close(): Promise<void>;
  /** The cached contents created so far (expired ones included until deleted). */
  cachedContents(): FakeCachedContent[];
  /** Expires every cached content now, as if its ttl had run out. */
  expireCachedContents(): void;
}

/** One cached content held by the fake (`cachedContents.create`). */
export interface FakeCachedContent {
  /** `cachedContents/<id>`, or `projects/<p>/locations/<l>/cachedContents/<id>` on Vertex AI. */
  name: string;
  /** The model as the client named it. */
  model: string;
  /** The bare model id. */
  modelId: string;
  systemInstruction?: unknown;
  tools?: unknown;
  toolConfig?: unknown;
  contents?: unknown;
  /** What every request using the cache reports as `cachedContentTokenCount`. */
  tokens: number;
  createTime: number;
  updateTime: number;
  /** Milliseconds since the epoch. */
  expireTime: number;
}

export interface StartGeminiFakeOptions {
  /** When set, any other key gets 400 API_KEY_INVALID. */
  apiKey?: string;
  /** Default: a free port. */
  port?: number;
  /** Validate requests like the real service (default true). */
  strict?: boolean;
  /** Several accepted keys (for key pools); any other key gets 400 API_KEY_INVALID. Joins `apiKey`. */
  apiKeys?: string[];
  /**
   * Vertex AI paths (`/v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:…`) are
   * always served and need `Authorization: Bearer`; set this to also demand this project and
   * location (403 otherwise) and to judge the token (401 when `acceptToken` returns false).
   */
  vertex?: { project: string; location: string; acceptToken?: (token: string) => boolean };
  /** Smallest cached content accepted, in fake tokens. Default 1024, Google's minimum for Flash. */
  minCacheTokens?: number;
}
