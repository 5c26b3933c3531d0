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
]);

/** `GenerateContentRequest` has no field named like that: `Unknown name "x": Cannot find field.` */
export const checkTopLevelFields: RequestCheck = (body) => findUnknownField(body, GENERATE_FIELDS, "");
