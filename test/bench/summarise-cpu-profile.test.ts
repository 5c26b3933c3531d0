import { describe, expect, it } from "vitest";
import { rankSelfTime, shortenUrl } from "./summarise-cpu-profile.mjs";

const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber });

describe("rankSelfTime", () => {
  it("sums the sample intervals per function, across call paths, largest first", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)") },
        { id: 2, callFrame: frame("parse", "file:///x/node_modules/sdk/index.js", 9) },
        { id: 3, callFrame: frame("convert", "file:///x/packages/core/dist/index.js", 99) },
        // The same function reached through another caller.
        { id: 4, callFrame: frame("parse", "file:///x/node_modules/sdk/index.js", 9) },
      ],
      samples: [2, 3, 4, 2, 3],
      // Each delta is the time since the previous sample, so sample i lasts timeDeltas[i + 1].
      timeDeltas: [0, 1000, 5000, 2000, 500],
    };
    const ranked = rankSelfTime(profile);
    // parse: 1000 + 2000 + 500 µs; convert: 5000 µs + the last sample, which has no next delta and keeps its own.
    expect(ranked.map((entry) => [entry.name, entry.location, entry.selfMs])).toEqual([
      ["convert", "packages/core/dist/index.js:100", 5.5],
      ["parse", "sdk/index.js:10", 3.5],
    ]);
    const shares = ranked.reduce((sum, entry) => sum + entry.share, 0);
    expect(shares).toBeCloseTo(1, 10);
  });
});

describe("shortenUrl", () => {
  it.each([
    ["file:///a/node_modules/.pnpm/undici@7/node_modules/undici/lib/fetch.js", "undici/lib/fetch.js"],
    ["file:///a/b/packages/core/dist/index.js", "packages/core/dist/index.js"],
    ["node:internal/webstreams/readablestream", "node:internal/webstreams/readablestream"],
  ])("%s → %s", (url, short) => {
    expect(shortenUrl(url)).toBe(short);
  });
});
