import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeClaudeSettings } from "./merge-claude-settings.js";

const ENV = { ANTHROPIC_BASE_URL: "http://127.0.0.1:8080", ANTHROPIC_API_KEY: "k" };

describe("mergeClaudeSettings", () => {
  it("creates the file's content when there is none", () => {
    expect(JSON.parse(mergeClaudeSettings(undefined, ENV))).toEqual({ env: ENV });
    expect(JSON.parse(mergeClaudeSettings("  \n", ENV))).toEqual({ env: ENV });
  });

  it("keeps other settings and other variables, and replaces ours", () => {
    const existing = JSON.stringify({
      model: "opus",
      permissions: { allow: ["Bash(ls:*)"] },
      env: { DEBUG: "1", ANTHROPIC_BASE_URL: "http://old" },
    });
    expect(JSON.parse(mergeClaudeSettings(existing, ENV))).toEqual({
      model: "opus",
      permissions: { allow: ["Bash(ls:*)"] },
      env: { DEBUG: "1", ...ENV },
    });
  });

  it("refuses to touch a file that is not a JSON object", () => {
    expect(() => mergeClaudeSettings("{ not json", ENV)).toThrow();
    expect(() => mergeClaudeSettings("[1, 2]", ENV)).toThrow(/JSON object/);
  });

  it("never loses a setting, whatever the file held", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((key) => key !== "env" && key !== "__proto__"),
          fc.jsonValue(),
        ),
        fc.dictionary(
          fc.string().filter((key) => key !== "__proto__"),
          fc.string(),
        ),
        (settings, env) => {
          const merged = JSON.parse(mergeClaudeSettings(JSON.stringify({ ...settings, env }), ENV));
          for (const [key, value] of Object.entries(settings))
            expect(merged[key]).toEqual(JSON.parse(JSON.stringify(value)));
          expect(merged.env).toEqual({ ...env, ...ENV });
        },
      ),
    );
  });
});

describe("mergeClaudeSettings removing variables", () => {
  it("drops the variables the caller picks, and only those", () => {
    const existing = JSON.stringify({ env: { ANTHROPIC_API_KEY: "claude-gemini-proxy", DEBUG: "1" } });
    const merged = JSON.parse(
      mergeClaudeSettings(
        existing,
        { ANTHROPIC_AUTH_TOKEN: "t" },
        (name, value) => name === "ANTHROPIC_API_KEY" && value === "claude-gemini-proxy",
      ),
    );
    expect(merged).toEqual({ env: { DEBUG: "1", ANTHROPIC_AUTH_TOKEN: "t" } });
  });
});
