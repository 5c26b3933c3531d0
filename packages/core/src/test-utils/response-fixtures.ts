import { readFileSync } from "node:fs";
import type { GeminiGenerateContentResponse } from "../gemini-api.js";

const FIXTURES = new URL("../__fixtures__/responses/", import.meta.url);

/** The recorded-style Gemini responses under `__fixtures__/responses/`, each as `.json` and `.chunks.jsonl`. */
export const RESPONSE_FIXTURE_NAMES = [
  "plain-text",
  "thinking-text",
  "gemini3-text-signature",
  "tool-call-signed",
  "parallel-tool-calls",
  "max-tokens",
  "safety",
  "blocked-prompt",
  "malformed-function-call",
  "empty-candidates",
  "usage-thoughts-cached",
] as const;

/** A whole (non-streaming) Gemini response fixture. */
export function loadResponseFixture(name: string): GeminiGenerateContentResponse {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as GeminiGenerateContentResponse;
}

/** A streamed fixture: one Gemini chunk per line. */
export function loadChunkFixture(name: string): GeminiGenerateContentResponse[] {
  return readFileSync(new URL(`${name}.chunks.jsonl`, FIXTURES), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as GeminiGenerateContentResponse);
}
