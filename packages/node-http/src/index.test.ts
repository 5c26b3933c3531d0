import { describe, expect, it } from "vitest";
import * as nodeHttp from "./index.js";

describe("@claude-gemini/node-http exports", () => {
  it("changes its public API only on purpose", () => {
    expect(Object.keys(nodeHttp).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_MAX_BODY_BYTES",
        "DEFAULT_MAX_BODY_BYTES_IN_FLIGHT",
        "closeServerGracefully",
        "createAgentPool",
        "createMetrics",
        "createNodeFetch",
        "createNodeListener",
        "createNodeTransport",
        "createServer",
        "releaseMemoryWhenIdle",
      ]
    `);
  });
});
