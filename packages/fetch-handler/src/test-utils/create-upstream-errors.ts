import { ClaudeGeminiError } from "@claude-gemini/core";

/** Errors as the upstream call throws them, for the policy tables. */

/** An `ApiError` of `@google/genai` carrying Google's error body. */
export const apiError = (code: number, status: string | undefined, details: unknown[] = [], message = "x") =>
  Object.assign(
    new Error(
      JSON.stringify({ error: { code, ...(status === undefined ? {} : { status }), message, details } }),
    ),
    { name: "ApiError", status: code },
  );

/** The proxy's own failure. */
export const proxyError = (status: number, retryAfterSeconds?: number) =>
  new ClaudeGeminiError({ status, type: "api_error", message: "proxy", retryAfterSeconds });

/** A failed `fetch` whose cause carries a network code, as undici throws it. */
export const networkError = (code: string, name = "TypeError") =>
  Object.assign(new Error("fetch failed"), { name, cause: Object.assign(new Error("inner"), { code }) });

/** An `ErrorInfo` detail with this reason. */
export const errorInfo = (reason: string) => [
  { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason },
];

/** A `RetryInfo` detail asking for 7 s. */
export const RETRY_IN_7S = [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" }];
