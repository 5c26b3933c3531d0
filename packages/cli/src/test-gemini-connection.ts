import {
  createFetchHandler,
  type FetchHandlerOptions,
  type GeminiFailureKind,
} from "@claude-gemini/fetch-handler";

/** What {@link testGeminiConnection} found. */
export type ConnectionTestResult =
  | { ok: true; model: string; latencyMs: number; warning?: string }
  | { ok: false; model?: string; kind?: GeminiFailureKind; problem: string };

/**
 * Runs the proxy's own `GET /test-connection` through an in-process handler (no port needed):
 * asks Gemini for one token, then for the model's metadata, and reports the problem in plain
 * words with its `kind` (key, network, model…).
 * `options.baseUrl` points it at another endpoint (`GEMINI_BASE_URL`).
 */
export async function testGeminiConnection(
  options: FetchHandlerOptions,
  model?: string,
): Promise<ConnectionTestResult> {
  const handler = createFetchHandler(options);
  const url = new URL("http://localhost/test-connection");
  if (model) url.searchParams.set("model", model);
  const headers: Record<string, string> = {};
  if (options.proxyApiKey) headers["x-api-key"] = options.proxyApiKey;
  try {
    const response = await handler(new Request(url, { headers }));
    const body = (await response.json()) as {
      ok?: boolean;
      model?: string;
      latencyMs?: number;
      problem?: string;
      kind?: GeminiFailureKind;
      /** Set with a key pool when some keys work and others do not. */
      warning?: string;
    };
    if (body.ok === true) {
      const result = { ok: true as const, model: body.model ?? "", latencyMs: body.latencyMs ?? 0 };
      return body.warning ? { ...result, warning: body.warning } : result;
    }
    const failure: ConnectionTestResult = {
      ok: false,
      model: body.model,
      problem: body.problem ?? `the connection test answered HTTP ${response.status}`,
    };
    return body.kind === undefined ? failure : { ...failure, kind: body.kind };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
