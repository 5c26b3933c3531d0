/**
 * Turns anything thrown while serving a request into an Anthropic error response. This is the
 * only place that builds error bodies, so every host answers failures the same way.
 *
 * Anthropic errors: https://docs.anthropic.com/en/api/errors
 * Gemini errors: https://ai.google.dev/gemini-api/docs/troubleshooting and google.rpc.Code
 * (https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto).
 */
import type { AnthropicErrorBody, AnthropicErrorType } from "./anthropic-api.js";
import { ClaudeGeminiError } from "./claude-gemini-error.js";
import type { GeminiErrorStatus } from "./gemini-api.js";
import { type GeminiFailure, readGeminiFailure } from "./read-gemini-failure.js";
import { readNetworkFailure } from "./read-network-failure.js";

/** What a host sends back: HTTP status, Anthropic error body and headers (all lower-case). */
export interface AnthropicErrorResponse {
  status: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
}

/** Options for {@link mapUpstreamError}. */
export interface MapUpstreamErrorOptions {
  /** Echoed as `request_id` in the body and as the `request-id` header. */
  requestId?: string;
}

interface ErrorClass {
  status: number;
  type: AnthropicErrorType;
}

/**
 * google.rpc status → Anthropic error. Choices where Anthropic has no match:
 * - UNAVAILABLE is Gemini's "The model is overloaded": 529 `overloaded_error` is what makes
 *   Claude Code back off and retry.
 * - CANCELLED (gRPC 499) and ABORTED (a server-side conflict) have no Anthropic type; both are
 *   transient, so they become a retryable 500 `api_error`.
 * - UNIMPLEMENTED means "this model or API version cannot do that": the request has to change,
 *   so 400 (Claude Code answers a 400 by retrying without optional features).
 */
const GEMINI_STATUS_TO_ERROR = {
  INVALID_ARGUMENT: { status: 400, type: "invalid_request_error" },
  FAILED_PRECONDITION: { status: 400, type: "invalid_request_error" },
  OUT_OF_RANGE: { status: 400, type: "invalid_request_error" },
  ALREADY_EXISTS: { status: 400, type: "invalid_request_error" },
  UNIMPLEMENTED: { status: 400, type: "invalid_request_error" },
  UNAUTHENTICATED: { status: 401, type: "authentication_error" },
  PERMISSION_DENIED: { status: 403, type: "permission_error" },
  NOT_FOUND: { status: 404, type: "not_found_error" },
  RESOURCE_EXHAUSTED: { status: 429, type: "rate_limit_error" },
  CANCELLED: { status: 500, type: "api_error" },
  ABORTED: { status: 500, type: "api_error" },
  UNKNOWN: { status: 500, type: "api_error" },
  INTERNAL: { status: 500, type: "api_error" },
  DATA_LOSS: { status: 500, type: "api_error" },
  UNAVAILABLE: { status: 529, type: "overloaded_error" },
  DEADLINE_EXCEEDED: { status: 504, type: "timeout_error" },
} as const satisfies Record<GeminiErrorStatus, ErrorClass>;

/** Used when an upstream error carries only an HTTP code (a proxy page, a body without `status`). */
const HTTP_CODE_TO_ERROR: Readonly<Record<number, ErrorClass>> = {
  400: { status: 400, type: "invalid_request_error" },
  401: { status: 401, type: "authentication_error" },
  403: { status: 403, type: "permission_error" },
  404: { status: 404, type: "not_found_error" },
  408: { status: 504, type: "timeout_error" },
  413: { status: 413, type: "request_too_large" },
  429: { status: 429, type: "rate_limit_error" },
  500: { status: 500, type: "api_error" },
  501: { status: 400, type: "invalid_request_error" },
  502: { status: 529, type: "overloaded_error" },
  503: { status: 529, type: "overloaded_error" },
  504: { status: 504, type: "timeout_error" },
};

/**
 * When Gemini gives no `RetryInfo` on a 429 or 529. Claude Code retries a 529 about eleven
 * times; ten seconds apart spreads them over roughly the two to three minutes its own
 * backoff would take, instead of burning them in a few seconds.
 */
const DEFAULT_RETRY_AFTER_SECONDS = 10;

/** Long enough for a multi-line schema complaint from Gemini, short enough for a terminal. */
const MAX_MESSAGE_LENGTH = 2000;

const GENERIC_MESSAGE = "Internal server error.";

interface Classified extends ErrorClass {
  message: string;
  retryAfterMilliseconds?: number;
  /** Overrides the status-based `x-should-retry` (a daily quota will not recover in seconds). */
  shouldRetry?: boolean;
}

/**
 * Maps anything thrown while serving a request — a {@link ClaudeGeminiError}, an `ApiError`
 * from `@google/genai`, a Gemini `{error: …}` stream chunk, an abort or timeout, a network
 * failure, or an unexpected bug — to Anthropic's `{status, body, headers}`. Messages keep
 * Gemini's reason but never an API key, a stack trace or a file path.
 *
 * @example
 * const { status, body, headers } = mapUpstreamError(error, { requestId });
 * return new Response(JSON.stringify(body), { status, headers });
 */
export function mapUpstreamError(
  error: unknown,
  options: MapUpstreamErrorOptions = {},
): AnthropicErrorResponse {
  const classified = classify(error);
  const retryAfterMilliseconds =
    classified.retryAfterMilliseconds ??
    (classified.status === 429 || classified.status === 529 ? DEFAULT_RETRY_AFTER_SECONDS * 1000 : undefined);

  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.requestId !== undefined) headers["request-id"] = options.requestId;
  if (retryAfterMilliseconds !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(retryAfterMilliseconds / 1000)));
    headers["retry-after-ms"] = String(Math.max(0, Math.round(retryAfterMilliseconds)));
  }
  headers["x-should-retry"] = String(classified.shouldRetry ?? isRetryableStatus(classified.status));

  const body: AnthropicErrorBody = {
    type: "error",
    error: { type: classified.type, message: sanitizeMessage(classified.message) },
  };
  if (options.requestId !== undefined) body.request_id = options.requestId;
  return { status: classified.status, body, headers };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 529 || status >= 500;
}

function classify(error: unknown): Classified {
  if (ClaudeGeminiError.isInstance(error)) {
    return {
      status: error.status,
      type: error.type,
      message: error.message,
      retryAfterMilliseconds:
        error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000,
    };
  }
  if (typeof error !== "object" || error === null) return genericError();
  const failure = readGeminiFailure(error);
  if (failure !== undefined) return classifyFailure(failure);

  const record = error as Record<string, unknown>;
  const name = typeof record.name === "string" ? record.name : "";
  const message = typeof record.message === "string" ? record.message : "";
  const status = typeof record.status === "number" ? record.status : undefined;

  if (status !== undefined && status >= 400 && status < 600 && message !== "") {
    return { ...classifyHttpCode(status), message: `Gemini: ${message}` };
  }
  if (name === "SyntaxError") {
    // An answer that could not be parsed; its text (which V8 quotes in part) stays out of it.
    return { status: 500, type: "api_error", message: "Gemini answered with a body that is not valid JSON." };
  }
  const network = readNetworkFailure(error);
  if (network?.cause === "timeout") {
    // The SDK's `httpOptions.timeout` aborts the fetch, so an abort here is a timeout in practice.
    const suffix = network.code === undefined ? "" : ` (${network.code})`;
    return { status: 504, type: "timeout_error", message: `Gemini did not answer in time${suffix}.` };
  }
  if (
    (network?.code !== undefined && network.cause === "unreachable") ||
    (name === "TypeError" && /fetch failed|network|connect|socket|error sending request/i.test(message))
  ) {
    // Anthropic has no "bad gateway"; overloaded makes Claude Code wait and retry, which is
    // right for an upstream that is down or unreachable for a moment. (The wording test only
    // picks the message shown; no decision reads it.)
    const suffix = network?.code === undefined ? "" : ` (${network.code})`;
    return { status: 529, type: "overloaded_error", message: `Could not reach Gemini${suffix}.` };
  }
  return genericError();
}

function genericError(): Classified {
  return { status: 500, type: "api_error", message: GENERIC_MESSAGE };
}

function isGeminiErrorStatus(value: unknown): value is GeminiErrorStatus {
  return typeof value === "string" && Object.hasOwn(GEMINI_STATUS_TO_ERROR, value);
}

function classifyHttpCode(code: number): ErrorClass {
  const known = HTTP_CODE_TO_ERROR[code];
  if (known) return known;
  if (code >= 400 && code < 500) return { status: 400, type: "invalid_request_error" };
  return { status: 500, type: "api_error" };
}

/** Formats what {@link readGeminiFailure} read: the decisions come from its typed fields only. */
function classifyFailure(failure: GeminiFailure): Classified {
  let errorClass: ErrorClass = isGeminiErrorStatus(failure.status)
    ? GEMINI_STATUS_TO_ERROR[failure.status]
    : classifyHttpCode(failure.httpStatus ?? 500);
  // A bad or expired key is a 400 INVALID_ARGUMENT upstream; clients need 401 to ask for a new one.
  if (failure.keyRejected) errorClass = GEMINI_STATUS_TO_ERROR.UNAUTHENTICATED;

  const label =
    failure.status ??
    (failure.structured && failure.httpStatus !== undefined ? String(failure.httpStatus) : undefined);
  // An HTML error page says nothing a client can use: name the HTTP status instead.
  const reason = failure.message.startsWith("<") ? "" : failure.message;
  let message =
    reason === ""
      ? `Gemini answered HTTP ${failure.httpStatus ?? 500}.`
      : label === undefined
        ? `Gemini: ${reason}`
        : `Gemini: ${reason} (${label})`;

  const tooLong =
    /^The input token count \(?(\d+)\)? exceeds the maximum number of tokens allowed \(?(\d+)\)?\.?$/i.exec(
      failure.message,
    );
  if (tooLong && errorClass.status === 400) {
    // Claude Code recognises Anthropic's wording and offers to compact the conversation.
    message = `prompt is too long: ${tooLong[1]} tokens > ${tooLong[2]} maximum. ${message}`;
  }

  const classified: Classified = { ...errorClass, message };
  if (failure.retryDelayMs !== undefined) classified.retryAfterMilliseconds = failure.retryDelayMs;
  // A per-day quota will not come back within Claude Code's retry window: say so instead of looping.
  if (errorClass.status === 429 && failure.quota?.perDay) classified.shouldRetry = false;
  return classified;
}

const GOOGLE_API_KEY = /AIza[0-9A-Za-z_-]{35}/g;
const SECRET_QUERY_PARAMETER = /([?&](?:key|api_key|apikey|access_token|token)=)[^&\s"')]+/gi;
const BEARER_TOKEN = /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const STACK_FRAME = /^\s*at\s+(?:.+\(.*\)|\S+:\d+(?::\d+)?)\s*$/;
// An absolute path that is not part of a URL: "file:///…", "/home/x/…" or "C:\\…".
const ABSOLUTE_PATH = /file:\/\/[^\s"')]+|(?<![\w:/.])(?:\/[\w.@+-]+){2,}\/?|\b[A-Za-z]:\\[^\s"')]+/g;
// What makes a POSIX path a file on this machine rather than an HTTP route the client sent
// (`/v1/complete`, `/api/hello`): a top-level directory of a file system, a dependency folder,
// or a last segment with a file extension.
const FILE_SYSTEM_ROOT =
  /^\/(?:home|Users|root|srv|usr|var|tmp|opt|etc|app|apps|mnt|media|private|workspaces?|data|nix|snap|run|proc|sys|dev|lib|lib64|bin|sbin|boot|Volumes|System|Library|Applications|cygdrive)(?:\/|$)/;
const FILE_LIKE_SEGMENT = /(?:^|\/)node_modules(?:\/|$)|\.[A-Za-z][A-Za-z0-9]{0,5}\/?$/;

/** A `file://` URL and a Windows path are always files; a POSIX path only when it looks like one. */
function redactPath(match: string): string {
  if (!match.startsWith("/")) return "[path]";
  return FILE_SYSTEM_ROOT.test(match) || FILE_LIKE_SEGMENT.test(match) ? "[path]" : match;
}

/**
 * Removes keys, tokens, stack frames and file paths, then caps the length. HTTP routes such as
 * `/v1/complete` stay, so a "no route" answer can name what the client asked for.
 */
function sanitizeMessage(message: string): string {
  let text = message
    .split(/\r?\n/)
    .filter((line) => !STACK_FRAME.test(line))
    .join("\n")
    .replace(GOOGLE_API_KEY, "[redacted]")
    .replace(SECRET_QUERY_PARAMETER, "$1[redacted]")
    .replace(BEARER_TOKEN, "$1[redacted]")
    .replace(ABSOLUTE_PATH, redactPath)
    .trim();
  if (text === "") text = GENERIC_MESSAGE;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
