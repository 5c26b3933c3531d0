import { createFetchHandler, type FetchHandlerOptions } from "@claude-gemini/fetch-handler";

/** What {@link testGeminiConnection} found. */
export type ConnectionTestResult =
  | { ok: true; model: string; latencyMs: number; warning?: string }
  | { ok: false; model?: string; problem: string };

/**
 * Runs the proxy's own `GET /test-connection` through an in-process handler (no port needed):
 * asks Gemini for the model, then for one token, and reports the problem in plain words.
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
      /** Set with a key pool when some keys work and others do not. */
      warning?: string;
    };
    if (body.ok === true) {
      const result = { ok: true as const, model: body.model ?? "", latencyMs: body.latencyMs ?? 0 };
      return body.warning ? { ...result, warning: body.warning } : result;
    }
    return { ok: false, model: body.model, problem: body.problem ?? `status ${response.status}` };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
