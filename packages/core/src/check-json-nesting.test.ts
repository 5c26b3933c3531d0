import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkJsonNesting } from "./check-json-nesting.js";
import { checkRequestLimits } from "./check-request-limits.js";
import { InvalidRequestError } from "./claude-gemini-error.js";

function captureError(run: () => unknown): InvalidRequestError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  return undefined;
}

/** Arrays and objects in a value, the value itself being level 1 (as `checkRequestLimits` counts). */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

function valueAt(root: unknown, path: string): unknown {
  if (path === "") return root;
  let value = root;
  for (const segment of path.split(".")) value = (value as Record<string, unknown>)[segment];
  return value;
}

/** JSON values whose keys are plain words, so a dotted path names one place. */
const { value: jsonWithPlainKeys } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('"[{', "\\", '\\"]}'),
    ),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), tie("value"), { maxKeys: 3 }),
  ),
}));

describe("checkJsonNesting", () => {
  it("stops an 8 MB [[[…]]] after the first brackets, before any parse", () => {
    const text = "[".repeat(8 * 1024 * 1024);
    const started = performance.now();
    const error = captureError(() => checkJsonNesting(text, 128));
    expect(performance.now() - started).toBeLessThan(250);
    expect(error?.message).toBe(
      `${Array(128).fill("0").join(".")}: Nesting is deeper than the limit of 128 levels`,
    );
    expect(error?.status).toBe(400);
  });

  it("names the path with keys and indexes, as the check after parsing does", () => {
    const body = {
      model: "m",
      messages: [{ role: "user", content: [{ type: "tool_result", input: { a: [[{ b: 1 }]] } }] }],
    };
    const text = JSON.stringify(body);
    const scanned = captureError(() => checkJsonNesting(text, 7));
    const parsed = captureError(() => checkRequestLimits(body, { maxNestingDepth: 7 }));
    expect(scanned?.message).toBe(
      "messages.0.content.0.input.a.0: Nesting is deeper than the limit of 7 levels",
    );
    expect(scanned?.message).toBe(parsed?.message);
    expect(scanned?.path).toBe("messages.0.content.0.input.a.0");
    expect(captureError(() => checkJsonNesting(text, 8))?.path).toBe("messages.0.content.0.input.a.0.0");
    expect(checkJsonNesting(text, 9)).toBeUndefined();
  });

  it("ignores brackets inside strings, escaped quotes and backslashes included", () => {
    const body = {
      text: '[[[[{{{{ " ]]]] \\',
      'key with "[[[[" and \\\\': '\\"[[[[[[',
      nested: [['\\\\"[[[[', "}}}}"]],
    };
    const text = JSON.stringify(body);
    expect(checkJsonNesting(text, 3)).toBeUndefined();
    expect(captureError(() => checkJsonNesting(text, 2))?.message).toBe(
      "nested.0: Nesting is deeper than the limit of 2 levels",
    );
  });

  it("quotes a long or escaped key in short, decoded form", () => {
    const key = `k\\u00e9${"x".repeat(100)}`;
    const text = `{"${key}":[[]]}`;
    expect(captureError(() => checkJsonNesting(text, 2))?.message).toBe(
      `ké${"x".repeat(62)}….0: Nesting is deeper than the limit of 2 levels`,
    );
  });

  it("leaves text that is not JSON to the parser", () => {
    for (const text of ["", "not json", '"unterminated [[[[', "]]]]", "{,,,}", "[1,2"]) {
      expect(checkJsonNesting(text, 2)).toBeUndefined();
    }
  });

  it("property: refuses exactly the values deeper than the limit, and names a too-deep container", () => {
    let refused = 0;
    fc.assert(
      fc.property(jsonWithPlainKeys, fc.integer({ min: 1, max: 5 }), (value, limit) => {
        const error = captureError(() => checkJsonNesting(JSON.stringify(value), limit));
        const tooDeep = depthOf(value) > limit;
        expect(error !== undefined).toBe(tooDeep);
        expect(captureError(() => checkRequestLimits(value, { maxNestingDepth: limit })) !== undefined).toBe(
          tooDeep,
        );
        if (error === undefined) return;
        refused++;
        const path = error.path ?? "";
        const container = valueAt(value, path);
        expect(typeof container === "object" && container !== null).toBe(true);
        expect(path === "" ? 1 : path.split(".").length + 1).toBe(limit + 1);
      }),
      { numRuns: 2000 },
    );
    // Neither side of the property may be vacuous.
    expect(refused).toBeGreaterThan(200);
    expect(refused).toBeLessThan(1800);
  });

  it("scans a 20 MB body of base64 strings quickly", () => {
    const image = "A".repeat(1024 * 1024);
    const body = JSON.stringify({
      messages: Array.from({ length: 20 }, () => ({
        role: "user",
        content: [{ type: "image", source: { data: image } }],
      })),
    });
    const started = performance.now();
    checkJsonNesting(body, 128);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
