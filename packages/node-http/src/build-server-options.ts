import type { CreateServerOptions } from "./create-server.js";
import type { ProxyConfig } from "./load-config.js";

/**
 * The {@link CreateServerOptions} a loaded {@link ProxyConfig} stands for: the one place that
 * turns settings into server options, so the `serve` command and the proxy `code` starts for
 * Claude Code cannot drift apart when a setting is added. Logging hooks are the caller's.
 *
 * @example
 * const server = createServer({ ...buildServerOptions(config), logger });
 */
export function buildServerOptions(config: ProxyConfig): CreateServerOptions {
  return {
    apiKey: config.apiKey,
    vertexai: config.vertexai,
    baseUrl: config.baseUrl,
    proxyApiKey: config.proxyApiKey,
    allowUnauthenticatedRemote: config.allowUnauthenticatedRemote,
    models: config.models,
    enableStreaming: config.enableStreaming,
    requestTimeoutMs: config.requestTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    maxBodyBytesInFlight: config.maxBodyBytesInFlight,
    upstreamMaxSockets: config.upstreamMaxSockets,
    releaseMemoryWhenIdle:
      config.idleMemoryReleaseMs === undefined
        ? undefined
        : config.idleMemoryReleaseMs > 0 && { idleMs: config.idleMemoryReleaseMs },
    metrics: config.enableMetrics,
    cors: config.corsOrigins === undefined ? undefined : { origins: config.corsOrigins },
    apiKeys: config.apiKeys,
    fallbackModels: config.fallbackModels,
    contextCache: config.contextCache,
    requestLimits: config.requestLimits,
    autoModeCheck: config.autoModeCheck,
  };
}
