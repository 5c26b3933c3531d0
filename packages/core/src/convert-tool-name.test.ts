import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createToolNameMap } from "./convert-tool-name.js";

const LEGAL = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

describe("createToolNameMap", () => {
  it.each(["Bash", "mcp__github__create_issue", "_private", "web.fetch:v2-beta", "a".repeat(64)])(
    "keeps the legal name %s unchanged",
    (name) => {
      const names = createToolNameMap([name]);
      expect(names.toGemini(name)).toBe(name);
      expect(names.toAnthropic(name)).toBe(name);
    },
  );

  it.each([
    ["create issue", "create_issue"],
    ["9lives", "_9lives"],
    ["-A", "_-A"],
    ["über/tool", "_ber_tool"],
    ["emoji🙂tool", "emoji_tool"],
    ["", "_"],
  ])("sanitises %j to %j and maps it back", (name, expected) => {
    const names = createToolNameMap([name]);
    expect(names.toGemini(name)).toBe(expected);
    expect(names.toAnthropic(expected)).toBe(name);
  });

  it("adds a hash suffix when a sanitised name collides with a legal one", () => {
    const names = createToolNameMap(["create_issue", "create issue"]);
    expect(names.toGemini("create_issue")).toBe("create_issue");
    const other = names.toGemini("create issue");
    expect(other).toMatch(/^create_issue_[0-9a-z]{6}$/);
    expect(names.toAnthropic(other)).toBe("create issue");
  });

  it("gives two illegal names that sanitise alike different names", () => {
    const names = createToolNameMap(["a b", "a/b"]);
    const first = names.toGemini("a b");
    const second = names.toGemini("a/b");
    expect(first).not.toBe(second);
    expect(first).toMatch(/^a_b_[0-9a-z]{6}$/);
    expect(names.toAnthropic(first)).toBe("a b");
    expect(names.toAnthropic(second)).toBe("a/b");
  });

  it("shortens over-long names to 64 characters with a stable suffix", () => {
    const long = `mcp__server__${"x".repeat(80)}`;
    const first = createToolNameMap([long]).toGemini(long);
    expect(first).toHaveLength(64);
    expect(first).toMatch(LEGAL);
    expect(createToolNameMap(["Bash", long]).toGemini(long)).toBe(first);
  });

  it("exposes entries from Gemini name to Anthropic name", () => {
    expect([...createToolNameMap(["Read", "my tool", "Read"]).entries]).toEqual([
      ["Read", "Read"],
      ["my_tool", "my tool"],
    ]);
  });

  it("returns undefined for Gemini names it never produced", () => {
    expect(createToolNameMap(["Read"]).toAnthropic("Write")).toBeUndefined();
  });

  it("gives names it was not built with a legal form", () => {
    const names = createToolNameMap([]);
    expect(names.toGemini("Grep")).toBe("Grep");
    expect(names.toGemini("not legal")).toMatch(LEGAL);
  });

  it("maps any set of names to unique legal names that map back exactly, in any order", () => {
    const nameArbitrary = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom("a", "A", "_", "-", " ", "/", "1", ".", "é"), maxLength: 70 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(nameArbitrary, { maxLength: 12 }), (names) => {
        const forward = createToolNameMap(names);
        const reversed = createToolNameMap([...names].reverse());
        const geminiNames = names.map((name) => forward.toGemini(name));
        expect(new Set(geminiNames).size).toBe(names.length);
        names.forEach((name, index) => {
          const geminiName = geminiNames[index]!;
          expect(geminiName).toMatch(LEGAL);
          expect(forward.toAnthropic(geminiName)).toBe(name);
          expect(reversed.toGemini(name)).toBe(geminiName);
        });
      }),
    );
  });
});
