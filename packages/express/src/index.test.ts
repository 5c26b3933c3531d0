import { describe, expect, it } from "vitest";
import * as expressAdapter from "./index.js";

describe("@claude-gemini/express exports", () => {
  it("changes its public API only on purpose", () => {
    expect(Object.keys(expressAdapter).sort()).toEqual(["createClaudeGeminiMiddleware"]);
  });
});
