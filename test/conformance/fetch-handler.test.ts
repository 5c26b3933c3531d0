import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { defineConformanceCases } from "./define-conformance-cases.js";

// The bare handler, no socket at all: what Deno, Bun and Workers serve, minus the runtime.
defineConformanceCases("fetch handler (direct)", async (settings) => {
  const handler = createFetchHandler(settings.handlerOptions);
  return {
    // Never dialled: the SDK builds URLs from it and the custom fetch hands them to the handler.
    baseUrl: "http://localhost",
    fetch: (url, init) => handler(new Request(url, init)),
    close: async () => {},
  };
});
