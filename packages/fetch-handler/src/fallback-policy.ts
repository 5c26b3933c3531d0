import type { GeminiErrorStatus } from "@claude-gemini/core";
import type { FetchHandlerOptions } from "./fetch-handler-options.js";
import type { UpstreamFailure } from "./read-upstream-failure.js";

/**
 * google.rpc statuses after which another model may do better: the model is not found
 * (retired, unknown to this key) or stays overloaded after its retries.
 */
const FALLBACK_GEMINI_STATUS = {
  NOT_FOUND: true,
  UNAVAILABLE: true,
  RESOURCE_EXHAUSTED: false,
  INTERNAL: false,
  UNKNOWN: false,
  DATA_LOSS: false,
  CANCELLED: false,
  ABORTED: false,
  DEADLINE_EXCEEDED: false,
  INVALID_ARGUMENT: false,
  FAILED_PRECONDITION: false,
  OUT_OF_RANGE: false,
  ALREADY_EXISTS: false,
  UNIMPLEMENTED: false,
  UNAUTHENTICATED: false,
  PERMISSION_DENIED: false,
} as const satisfies Record<GeminiErrorStatus, boolean>;

/** The same without a google.rpc status: 404, and the gateway pages of an overloaded service. */
const FALLBACK_HTTP_CODES: ReadonlySet<number> = new Set([404, 502, 503]);

/** The proxy's own failures that say the same: not found (404), silence or overload (529). */
const FALLBACK_PROXY_STATUSES: ReadonlySet<number> = new Set([404, 529]);

/**
 * Whether the next fallback model gets the request after the current one failed for good (its
 * retries and correction spent). Never after a client error, a quota, a rejected key or a
 * timeout: another model would not change those.
 */
export function decideFallback(failure: UpstreamFailure): boolean {
  switch (failure.source) {
    case "gemini": {
      const { gemini } = failure;
      if (gemini.keyRejected) return false;
      if (gemini.status !== undefined) return FALLBACK_GEMINI_STATUS[gemini.status];
      return gemini.httpStatus !== undefined && FALLBACK_HTTP_CODES.has(gemini.httpStatus);
    }
    case "http":
      return FALLBACK_HTTP_CODES.has(failure.httpStatus);
    case "proxy":
      return FALLBACK_PROXY_STATUSES.has(failure.status);
    case "no-answer":
      return failure.cause === "unreachable";
    default:
      return false;
  }
}

/** The models to try after `primary`, in order, without `primary` itself and without repeats. */
export function readFallbackChain(
  fallbackModels: FetchHandlerOptions["fallbackModels"],
  primary: string,
): string[] {
  if (fallbackModels === undefined) return [];
  const chain = Array.isArray(fallbackModels)
    ? fallbackModels
    : Object.hasOwn(fallbackModels, primary)
      ? fallbackModels[primary]!
      : (fallbackModels["*"] ?? []);
  return chain.filter((model, index) => model !== primary && chain.indexOf(model) === index);
}
