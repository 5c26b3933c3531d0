import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";

/** Options of {@link createAgentPool}; `createNodeFetch` and `createNodeTransport` take the same. */
export interface AgentPoolOptions {
  /**
   * Most connections open at once to one upstream origin; further calls wait for a free one.
   * Default 256: each open stream holds a connection for its whole length.
   */
  maxSockets?: number;
  /** Most idle keep-alive connections kept per origin; the rest are closed. Default 32. */
  maxFreeSockets?: number;
  /** An idle keep-alive connection is closed after this long. Default 30000. */
  freeSocketTimeoutMs?: number;
}

/** The keep-alive `Agent` of a URL's origin, made on first use. */
export type AgentPool = (url: URL) => HttpAgent;

/**
 * One keep-alive `node:http`/`node:https` agent per upstream origin, bounded by `maxSockets`,
 * idle connections closed after `freeSocketTimeoutMs`, the most recently used idle connection
 * taken first (`lifo`: the others age out). Shared by `createNodeFetch` and
 * `createNodeTransport`, so `createServer`'s two upstream paths use one pool.
 */
export function createAgentPool(options: AgentPoolOptions = {}): AgentPool {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    maxFreeSockets: options.maxFreeSockets ?? 32,
    // Node's agent applies this to sockets in its free list: an idle one is destroyed.
    timeout: options.freeSocketTimeoutMs ?? 30_000,
    scheduling: "lifo" as const,
  };
  const agents = new Map<string, HttpAgent>();
  return (url) => {
    let agent = agents.get(url.origin);
    if (!agent) {
      agent = url.protocol === "https:" ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
      agents.set(url.origin, agent);
    }
    return agent;
  };
}
