import { describe, expect, it } from "vitest";
import * as cli from "./index.js";

describe("@claude-gemini/cli exports", () => {
  it("changes its public API only on purpose", () => {
    expect(Object.keys(cli).sort()).toMatchInlineSnapshot(`
      [
        "CONFIG_VARIABLE_NAMES",
        "loadConfig",
        "main",
        "parseEnvFile",
      ]
    `);
  });
});
