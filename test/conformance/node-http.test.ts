import type { AddressInfo } from "node:net";
import { closeServerGracefully, createServer } from "@claude-gemini/node-http";
import { defineConformanceCases } from "./define-conformance-cases.js";

// The Node bridge: real sockets, Node's http parser, backpressure and SSE over chunked encoding.
defineConformanceCases("node-http createServer", async (settings) => {
  const server = createServer(settings.handlerOptions);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => closeServerGracefully(server, { gracePeriodMs: 1000 }),
  };
});
