import { describe, expect, it } from "vitest";
import { convertUsage } from "./convert-usage.js";
import type { GeminiUsageMetadata } from "./gemini-api.js";

describe("convertUsage", () => {
  it.each<[string, GeminiUsageMetadata | undefined, [number, number, number]]>([
    // [input, output, cache_read]
    ["missing usage → zeros", undefined, [0, 0, 0]],
    ["prompt and candidates", { promptTokenCount: 12, candidatesTokenCount: 7 }, [12, 7, 0]],
    [
      "thoughts count as output",
      { promptTokenCount: 12, candidatesTokenCount: 7, thoughtsTokenCount: 100 },
      [12, 107, 0],
    ],
    ["cached tokens leave input", { promptTokenCount: 1000, cachedContentTokenCount: 800 }, [200, 0, 800]],
    ["tool-use prompt counts as input", { promptTokenCount: 10, toolUsePromptTokenCount: 5 }, [15, 0, 0]],
    ["cache larger than prompt is capped", { promptTokenCount: 10, cachedContentTokenCount: 50 }, [0, 0, 10]],
    ["nonsense counts are zero", { promptTokenCount: -3, candidatesTokenCount: Number.NaN }, [0, 0, 0]],
  ])("%s", (_name, usage, [input, output, cacheRead]) => {
    expect(convertUsage(usage)).toEqual({
      input_tokens: input,
      output_tokens: output,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: cacheRead,
    });
  });

  it("reports the cache a host created for this request as a write, not a read", () => {
    const usage = { promptTokenCount: 1000, cachedContentTokenCount: 800, candidatesTokenCount: 4 };
    expect(convertUsage(usage, 800)).toEqual({
      input_tokens: 200,
      output_tokens: 4,
      cache_creation_input_tokens: 800,
      cache_read_input_tokens: 0,
    });
    // Never more written than Gemini says it served from the cache.
    expect(convertUsage({ promptTokenCount: 100, cachedContentTokenCount: 30 }, 500)).toMatchObject({
      cache_creation_input_tokens: 30,
      cache_read_input_tokens: 0,
    });
  });
});
