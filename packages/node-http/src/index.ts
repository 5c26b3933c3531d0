// Metrics live in the fetch handler now (`metrics` option); re-exported for existing imports.
export { createMetrics, type ProxyMetrics } from "@claude-gemini/fetch-handler";
export { type CloseServerOptions, closeServerGracefully } from "./close-server-gracefully.js";
export { type AgentPool, type AgentPoolOptions, createAgentPool } from "./create-agent-pool.js";
export { createNodeFetch, type NodeFetch, type NodeFetchOptions } from "./create-node-fetch.js";
export {
  createNodeListener,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_BODY_BYTES_IN_FLIGHT,
  type NextFunction,
  type NodeListener,
  type NodeListenerOptions,
} from "./create-node-listener.js";
export { createNodeTransport, type NodeTransportOptions } from "./create-node-transport.js";
export { type CreateServerOptions, createServer } from "./create-server.js";
export {
  type IdleMemoryRelease,
  type IdleMemoryReleaseOptions,
  releaseMemoryWhenIdle,
} from "./release-memory-when-idle.js";
