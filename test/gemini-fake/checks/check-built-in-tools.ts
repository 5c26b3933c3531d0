import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

/** `GoogleSearch` fields the Gemini API takes (`excludeDomains` and `blockingConfidence` are Vertex AI only). */
const GOOGLE_SEARCH_FIELDS = new Set(["timeRangeFilter", "searchTypes"]);
const BUILT_IN_TOOLS = ["googleSearch", "urlContext", "codeExecution", "googleMaps", "fileSearch"] as const;

/**
 * Built-in tools (`googleSearch`, `urlContext`…): known fields only, and never next to function
 * declarations unless the model is Gemini 3 and the request sets
 * `toolConfig.includeServerSideToolInvocations` (https://ai.google.dev/gemini-api/docs/tool-combination;
 * Gemini 2.5 answers "Built-in tools … and Function Calling cannot be combined").
 */
export const checkBuiltInTools: RequestCheck = (body, context) => {
  if (!Array.isArray(body.tools)) return undefined;
  let hasFunctions = false;
  let builtIn: string | undefined;
  for (const [index, tool] of body.tools.entries()) {
    if (!isPlainObject(tool)) continue;
    if (Array.isArray(tool.functionDeclarations) && tool.functionDeclarations.length > 0) hasFunctions = true;
    for (const name of BUILT_IN_TOOLS) if (tool[name] !== undefined) builtIn ??= name;
    if (tool.googleSearch !== undefined) {
      if (!isPlainObject(tool.googleSearch)) {
        return invalidArgument(
          `Invalid value at 'tools[${index}].google_search', ${JSON.stringify(tool.googleSearch)}`,
        );
      }
      const unknown = findUnknownField(
        tool.googleSearch,
        GOOGLE_SEARCH_FIELDS,
        `tools[${index}].googleSearch`,
      );
      if (unknown) return unknown;
    }
    if (tool.urlContext !== undefined) {
      if (!isPlainObject(tool.urlContext)) {
        return invalidArgument(
          `Invalid value at 'tools[${index}].url_context', ${JSON.stringify(tool.urlContext)}`,
        );
      }
      const unknown = findUnknownField(tool.urlContext, new Set(), `tools[${index}].urlContext`);
      if (unknown) return unknown;
    }
  }
  if (builtIn === undefined || !hasFunctions) return undefined;
  const toolConfig = isPlainObject(body.toolConfig) ? body.toolConfig : {};
  if (context.model.generation3 && toolConfig.includeServerSideToolInvocations === true) return undefined;
  return invalidArgument(
    `Built-in tools (${builtIn}) and Function Calling cannot be combined in one request for models/${context.model.id}${context.model.generation3 ? " unless toolConfig.includeServerSideToolInvocations is true" : ""}.`,
  );
};
