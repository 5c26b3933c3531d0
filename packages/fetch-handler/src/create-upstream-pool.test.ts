import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { createUpstreamPool } from "./create-upstream-pool.js";
import type { FetchHandlerLogger } from "./fetch-handler-options.js";

function createRecordingLogger() {
  const warnings: string[] = [];
  const logger: FetchHandlerLogger = {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
  };
  return { logger, warnings };
}

const createClient = (retry: boolean) =>
  new GoogleGenAI({
    apiKey: "pool-key",
    httpOptions: { baseUrl: "http://gemini.test", ...(retry ? { retryOptions: { attempts: 3 } } : {}) },
  });

describe("createUpstreamPool", () => {
  it("says once, when built, that a client's own retryOptions do not apply to generate calls", () => {
    const withRetries = createRecordingLogger();
    createUpstreamPool(
      { client: createClient(true) },
      { logger: withRetries.logger, createClient: () => createClient(true) },
    );
    expect(withRetries.warnings).toEqual([expect.stringMatching(/retryOptions do not apply/)]);

    const without = createRecordingLogger();
    createUpstreamPool(
      { client: createClient(false) },
      { logger: without.logger, createClient: () => createClient(false) },
    );
    expect(without.warnings).toEqual([]);
  });
});
