import type { RequestCheck } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";

const GENERATE_FIELDS = new Set([
  "model",
  "contents",
  "tools",
  "toolConfig",
  "safetySettings",
  "systemInstruction",
  "generationConfig",
  "cachedContent",
  "serviceTier",
  // Long decode (Gemini 4): the token of the previous hop. Not in the Discovery document we
  // hold; @google/genai 3.6 sends it at the top level of the request (its
  // generateContentConfigToMldev), and Google's SDK reference describes it
  // (googleapis.github.io/kotlin-genai, GenerateContentConfig.continuationToken).
  "continuationToken",
]);

/** `GenerateContentRequest` has no field named like that: `Unknown name "x": Cannot find field.` */
export const checkTopLevelFields: RequestCheck = (body) => findUnknownField(body, GENERATE_FIELDS, "");
