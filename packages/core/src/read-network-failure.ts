/**
 * A call that got no answer at all, read from the error's name and network code (on the error
 * or its `cause` chain, where undici puts it), never from its message: the connection failed
 * (`unreachable`) or the wait ran out (`timeout`). Shared by the error formatter and the
 * upstream policies, so both know the same codes.
 */
export interface NetworkFailure {
  cause: "unreachable" | "timeout";
  /** The runtime's code, e.g. `ECONNREFUSED`; absent for an abort or a bare `fetch` TypeError. */
  code?: string;
}

/** Node (undici), Bun and Deno codes for "could not reach the host". */
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ConnectionRefused",
  "ConnectionClosed",
  "FailedToOpenSocket",
]);

const TIMEOUT_ERROR_CODES: ReadonlySet<string> = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Reads a network failure. A `TypeError` without any code counts as unreachable: `fetch`
 * rejects with one for every network error (https://fetch.spec.whatwg.org/#fetch-method), and
 * runtimes without codes (Deno, browsers) word it each their own way. An abort or a
 * `TimeoutError` is a timeout. `undefined` for anything else.
 *
 * @example
 * readNetworkFailure(fetchFailed); // { cause: "unreachable", code: "ECONNREFUSED" }
 */
export function readNetworkFailure(error: unknown): NetworkFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  if (name === "AbortError" || name === "TimeoutError") return { cause: "timeout" };
  const code = findErrorCode(error);
  if (code !== undefined && TIMEOUT_ERROR_CODES.has(code)) return { cause: "timeout", code };
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) return { cause: "unreachable", code };
  if (name === "TypeError" && code === undefined) return { cause: "unreachable" };
  return undefined;
}

/** Reads `code` from the error or its `cause` chain (undici puts it on `cause`). */
function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
