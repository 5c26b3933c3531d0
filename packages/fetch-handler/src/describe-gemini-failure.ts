import { readGeminiFailure } from "@claude-gemini/core";
/** Where the failed call went, so the sentence can say where and which setting to fix. */
export interface GeminiFailureContext {
  /** The Gemini model the call asked for. */
  model: string;
  /** `GEMINI_BASE_URL` when set; Google's endpoint otherwise. */
  baseUrl?: string;
  /** True on Vertex AI, where the key variables do not apply. */
  vertexai?: boolean;
  /** The variable holding the key, named in the fix (`GEMINI_API_KEY` or `GEMINI_API_KEYS`). */
  keyVariable?: string;
}

/** What kind of failure it was: each has its own fix. */
export type GeminiFailureKind =
  | "key"
  | "permission"
  | "model"
  | "quota"
  | "server"
  | "timeout"
  | "network"
  | "other";

/** One failure in plain words: the kind, and a sentence that names the cause and the fix. */
export interface GeminiFailure {
  kind: GeminiFailureKind;
  problem: string;
}

const GOOGLE_ENDPOINT = "https://generativelanguage.googleapis.com";

/** Node (undici) network codes, each with the cause in words. */
const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "the connection was refused: nothing listens on that host and port",
  ENOTFOUND: "the host name does not resolve (DNS)",
  EAI_AGAIN: "the host name could not be resolved right now (DNS)",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  UND_ERR_SOCKET: "the connection closed unexpectedly",
  UND_ERR_HEADERS_TIMEOUT: "no answer arrived in time",
  EPROTO: "the TLS handshake failed (is it an http:// server addressed as https://?)",
  ERR_SSL_WRONG_VERSION_NUMBER: "the TLS handshake failed (is it an http:// server addressed as https://?)",
};

/**
 * Names the cause of a failed Gemini call and its fix, for `GET /test-connection` and the
 * command line: a rejected key, a refused permission, an unknown model, a used-up quota, a
 * server error, a timeout or a network failure (with the host and the network error code).
 * Never the key itself, and never an error class name in place of the cause.
 *
 * @example
 * describeGeminiFailure(fetchFailedError, { model: "gemini-3.8-flash", baseUrl: "http://127.0.0.1:9999" });
 * // { kind: "network", problem: "Could not reach Gemini at http://127.0.0.1:9999: the connection was refused … Check GEMINI_BASE_URL …" }
 */
export function describeGeminiFailure(error: unknown, context: GeminiFailureContext): GeminiFailure {
  const keyVariable = context.keyVariable ?? "GEMINI_API_KEY";
  const text = readMessage(error);
  // Decisions come from the structured error (`readGeminiFailure`), never from message text:
  // a 400 that quotes a client's words must not pass for a key problem. The message is shown.
  const failure = readGeminiFailure(error);
  const status = failure?.httpStatus ?? readStatus(error);
  // Only an answer with a google.rpc status is Gemini's own: for a page that is not JSON the SDK
  // builds a body with the HTTP reason (`Not Found`) and the page as the message.
  const gemini = failure?.status !== undefined && failure.message !== "" ? failure.message : undefined;
  const said = gemini ? ` Gemini says: "${gemini}"` : "";

  if (failure?.keyRejected) {
    const reason = failure.reasons[0] ?? failure.status ?? "API_KEY_INVALID";
    return {
      kind: "key",
      problem: `The Gemini API key was rejected (${reason}). Check ${keyVariable}: a key from https://aistudio.google.com/apikey, without quotes or spaces.`,
    };
  }
  if (failure === undefined && /API key|apiKey/i.test(text) && status === 0 && !context.vertexai) {
    return { kind: "key", problem: "No Gemini API key is configured. Set GEMINI_API_KEY." };
  }
  if (
    status === 401 ||
    status === 403 ||
    failure?.status === "PERMISSION_DENIED" ||
    failure?.status === "UNAUTHENTICATED"
  ) {
    const who = context.vertexai
      ? "the credentials or project (Vertex AI)"
      : `the key in ${keyVariable} or its project`;
    return {
      kind: "permission",
      problem: `Gemini refused access (${status || "PERMISSION_DENIED"}): ${who} may lack the Generative Language API or access to ${context.model}.${said}`,
    };
  }
  if (status === 404 || failure?.status === "NOT_FOUND") {
    if (gemini === undefined) {
      return {
        kind: "model",
        problem: `The Gemini endpoint at ${endpointOf(context)} answered 404 without a Gemini error for ${context.model}: ${context.baseUrl ? "GEMINI_BASE_URL may not point at a Gemini API" : "the model name may be wrong"}.`,
      };
    }
    return {
      kind: "model",
      problem: `Gemini does not know the model ${context.model} (NOT_FOUND), or this key may not use it. Fix the model mapping (OPUS_MODEL, SONNET_MODEL, HAIKU_MODEL, DEFAULT_MODEL) or --model.${said}`,
    };
  }
  if (status === 429 || failure?.status === "RESOURCE_EXHAUSTED") {
    return {
      kind: "quota",
      problem: `Gemini answered RESOURCE_EXHAUSTED: the rate limit or quota of this key is used up; wait, or check its quota at https://aistudio.google.com.${said}`,
    };
  }
  if (status >= 500) {
    return { kind: "server", problem: `Gemini had a server error (${status}); try again shortly.${said}` };
  }
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || name === "TimeoutError") {
    return {
      kind: "timeout",
      problem: `Gemini at ${endpointOf(context)} did not answer in time. ${networkFix(context)}`,
    };
  }
  if (status === 0 && (name === "TypeError" || findNetworkCode(error) !== undefined)) {
    const code = findNetworkCode(error);
    const cause = code === undefined ? undefined : NETWORK_CAUSES[code];
    const innermost = readInnermostMessage(error);
    const detail = cause
      ? `${cause} (${code})`
      : code !== undefined
        ? `${innermost} (${code})`
        : innermost === "bad port"
          ? "fetch refuses to connect to that port (it is on the list of blocked ports, such as 1, 9 and 6000); use another one"
          : innermost;
    return {
      kind: "network",
      problem: `Could not reach Gemini at ${endpointOf(context)}: ${detail}. ${networkFix(context)}`,
    };
  }
  return {
    kind: "other",
    problem: `The Gemini call failed: ${gemini ?? (text || "no reason given")}`,
  };
}

function endpointOf(context: GeminiFailureContext): string {
  if (context.baseUrl) return context.baseUrl;
  return context.vertexai ? "Vertex AI" : GOOGLE_ENDPOINT;
}

function networkFix(context: GeminiFailureContext): string {
  return context.baseUrl
    ? `Check GEMINI_BASE_URL (now ${context.baseUrl}): is that server running, and is the address right? Unset it to use Google's endpoint.`
    : "Check the network connection, and any firewall or proxy between this machine and Google.";
}

function readMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "";
}

function readStatus(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : 0;
}

/** A string `code` on the error or its `cause` chain (undici puts it on `cause`). */
function findNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The deepest `cause` message: `fetch failed` says nothing, its cause says why. */
function readInnermostMessage(error: unknown): string {
  let message = readMessage(error);
  let current: unknown = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message || "the request failed before an answer arrived";
}
