import type { FetchHandlerOptions } from "@claude-gemini/fetch-handler";
import { describeGeminiFailure, type GeminiFailureKind } from "@claude-gemini/fetch-handler";

/** What {@link checkGeminiReachable} found. */
export type ReachabilityResult =
  | { ok: true }
  | { ok: false; kind: GeminiFailureKind; problem: string; blocking: boolean };

/** Options of {@link checkGeminiReachable}. */
export interface CheckGeminiReachableOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const GOOGLE_ENDPOINT = "https://generativelanguage.googleapis.com";

/** Failures after which Claude Code could only retry in silence: the launcher stops instead. */
const BLOCKING: ReadonlySet<GeminiFailureKind> = new Set(["network", "timeout", "key"]);

/**
 * One free call before `claude-gemini-proxy code` hands the terminal to Claude Code: Gemini's
 * model metadata (`GET /v1beta/models/{model}`, no tokens billed) with the first key. An
 * unreachable endpoint or a rejected key is `blocking`: Claude Code would retry for minutes
 * without saying why, so the launcher says it and stops. Other answers (a model the key cannot
 * list, a quota) are reported and the session starts anyway. Vertex AI is not checked here
 * (its credentials come from Application Default Credentials).
 */
export async function checkGeminiReachable(
  config: Pick<FetchHandlerOptions, "apiKey" | "apiKeys" | "vertexai" | "baseUrl" | "models">,
  model: string,
  options: CheckGeminiReachableOptions = {},
): Promise<ReachabilityResult> {
  if (config.vertexai) return { ok: true };
  const key = config.apiKey ?? config.apiKeys?.[0] ?? "";
  const base = (config.baseUrl ?? GOOGLE_ENDPOINT).replace(/\/+$/, "");
  const context = { model, baseUrl: config.baseUrl };
  try {
    const response = await (options.fetch ?? fetch)(`${base}/v1beta/models/${encodeURIComponent(model)}`, {
      headers: { "x-goog-api-key": key },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    if (response.ok) return { ok: true };
    // The shape the Gemini SDK gives an HTTP failure: the status, and the body as the message.
    const failure = Object.assign(new Error(await response.text()), {
      name: "ApiError",
      status: response.status,
    });
    const { kind, problem } = describeGeminiFailure(failure, context);
    return { ok: false, kind, problem, blocking: BLOCKING.has(kind) };
  } catch (error) {
    const { kind, problem } = describeGeminiFailure(error, context);
    return { ok: false, kind, problem, blocking: BLOCKING.has(kind) };
  }
}
