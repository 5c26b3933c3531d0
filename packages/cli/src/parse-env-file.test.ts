import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "./parse-env-file.js";

describe("parseEnvFile", () => {
  it("reads assignments, comments, export prefixes and both quote styles", () => {
    const text = [
      "# Gemini settings",
      "GEMINI_API_KEY=abc123",
      "export PROXY_PORT = 9000 ",
      "",
      "PROXY_HOST=0.0.0.0 # every interface",
      "SINGLE='literal $HOME \\n # not a comment'",
      'DOUBLE="line one\\nline \\"two\\""',
      'MULTI="first',
      'second"',
      "EMPTY=",
      "HASH_IN_VALUE=abc#def",
    ].join("\r\n");
    const result = parseEnvFile(text);
    expect(result.value).toEqual({
      GEMINI_API_KEY: "abc123",
      PROXY_PORT: "9000",
      PROXY_HOST: "0.0.0.0",
      SINGLE: "literal $HOME \\n # not a comment",
      DOUBLE: 'line one\nline "two"',
      MULTI: "first\nsecond",
      EMPTY: "",
      HASH_IN_VALUE: "abc#def",
    });
    expect(result.warnings).toEqual([]);
  });

  it("skips lines that are not assignments and says which, without echoing their content", () => {
    const result = parseEnvFile('GOOD=1\nthis-is-a-secret-pasted-alone\n=novalue\nUNCLOSED="oops\nLATER=2');
    expect(result.value).toEqual({ GOOD: "1" });
    expect(result.warnings).toEqual([
      ".env line 2 is not a KEY=VALUE assignment; it was ignored.",
      ".env line 3 is not a KEY=VALUE assignment; it was ignored.",
      ".env line 4: the quoted value of UNCLOSED is never closed; it was ignored.",
    ]);
    expect(result.warnings.join(" ")).not.toContain("this-is-a-secret");
  });

  it("round-trips any value written double-quoted with escapes", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const escaped = value
          .replaceAll("\\", "\\\\")
          .replaceAll('"', '\\"')
          .replaceAll("\n", "\\n")
          .replaceAll("\r", "\\r")
          .replaceAll("\t", "\\t");
        expect(parseEnvFile(`KEY="${escaped}"`).value.KEY).toBe(value);
      }),
    );
  });
});
