/** What answers at a proxy URL. */
export type ProxyProbe = "ours" | "other" | "none";

/** Options of {@link probeProxy}. */
export interface ProbeProxyOptions {
  fetch?: typeof fetch;
  /** Sent to `/v1/models` when the proxy requires a key. */
  proxyApiKey?: string;
  timeoutMs?: number;
}

/**
 * Asks `url` whether a claude-gemini proxy runs there: `GET /health` must answer
 * `{"status":"ok"}` and `GET /v1/models` must list Gemini models. `"other"` means something
 * else holds the port; `"none"` that nothing answered.
 */
export async function probeProxy(url: string, options: ProbeProxyOptions = {}): Promise<ProxyProbe> {
  const fetchFunction = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 2000);
  let health: Response;
  try {
    health = await fetchFunction(new URL("/health", url), { signal });
  } catch {
    return "none";
  }
  try {
    const healthBody = (await health.json()) as { status?: unknown };
    if (!health.ok || healthBody?.status !== "ok") return "other";
    const headers: Record<string, string> = {};
    if (options.proxyApiKey) headers["x-api-key"] = options.proxyApiKey;
    const models = await fetchFunction(new URL("/v1/models", url), { headers, signal });
    if (!models.ok) return "other";
    const list = (await models.json()) as { data?: { id?: unknown }[] };
    const listsGemini = list.data?.some(
      (model) => typeof model.id === "string" && model.id.startsWith("gemini-"),
    );
    return listsGemini ? "ours" : "other";
  } catch {
    return "other";
  }
}
