import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findSchemaViolation } from "./find-schema-violation.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

const TOOL_FIELDS = new Set([
  "functionDeclarations",
  "googleSearch",
  "googleSearchRetrieval",
  "codeExecution",
  "urlContext",
  "computerUse",
  "fileSearch",
  "googleMaps",
]);
const DECLARATION_FIELDS = new Set([
  "name",
  "description",
  "parameters",
  "parametersJsonSchema",
  "response",
  "responseJsonSchema",
  "behavior",
]);
/** Letter or underscore first, then letters, digits, `_ . : -`; 64 characters at most. */
export const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_FUNCTION_DECLARATIONS = 512;

/**
 * `tools`: known fields, ≤ 512 declarations, legal names, `parameters` in the OpenAPI subset,
 * `parametersJsonSchema` only where the model takes it and never together with `parameters`.
 */
export const checkToolDeclarations: RequestCheck = (body, context) => {
  if (body.tools === undefined) return undefined;
  if (!Array.isArray(body.tools)) {
    return invalidArgument(
      `Invalid JSON payload received. Unknown name "tools": Proto field is repeating, expected a list.`,
    );
  }
  let count = 0;
  for (const [toolIndex, tool] of body.tools.entries()) {
    if (!isPlainObject(tool))
      return invalidArgument(`Invalid value at 'tools[${toolIndex}]', ${JSON.stringify(tool)}`);
    const unknownTool = findUnknownField(tool, TOOL_FIELDS, `tools[${toolIndex}]`);
    if (unknownTool) return unknownTool;
    if (tool.functionDeclarations === undefined) continue;
    if (!Array.isArray(tool.functionDeclarations)) {
      return invalidArgument(
        `Invalid JSON payload received. Unknown name "functionDeclarations" at 'tools[${toolIndex}]': Proto field is repeating, expected a list.`,
      );
    }
    for (const [index, declaration] of tool.functionDeclarations.entries()) {
      count += 1;
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (!isPlainObject(declaration))
        return invalidArgument(`Invalid value at '${path}', ${JSON.stringify(declaration)}`);
      const unknown = findUnknownField(declaration, DECLARATION_FIELDS, path);
      if (unknown) return unknown;
      const name = declaration.name;
      if (typeof name !== "string" || !FUNCTION_NAME.test(name)) {
        return invalidArgument(
          `* GenerateContentRequest.${path}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n`,
        );
      }
      if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
        return invalidArgument(
          `* GenerateContentRequest.${path}: parameters and parameters_json_schema are mutually exclusive; set only one.\n`,
        );
      }
      if (declaration.parametersJsonSchema !== undefined) {
        if (!context.model.supportsJsonSchema) {
          return invalidArgument(
            `* GenerateContentRequest.${path}.parameters_json_schema: parameters_json_schema is not supported for models/${context.model.id}.\n`,
          );
        }
        if (
          !isPlainObject(declaration.parametersJsonSchema) &&
          typeof declaration.parametersJsonSchema !== "boolean"
        ) {
          return invalidArgument(
            `Invalid value at '${path}.parameters_json_schema' (type.googleapis.com/google.protobuf.Value), ${JSON.stringify(declaration.parametersJsonSchema)}`,
          );
        }
      }
      if (declaration.parameters !== undefined) {
        const violation = findSchemaViolation(declaration.parameters, `${path}.parameters`, {
          restrictStringFormats: !context.model.supportsJsonSchema,
        });
        if (violation) return violation;
      }
    }
  }
  if (count > MAX_FUNCTION_DECLARATIONS) {
    return invalidArgument(
      `* GenerateContentRequest.tools: the number of function declarations (${count}) exceeds the maximum of ${MAX_FUNCTION_DECLARATIONS}.\n`,
    );
  }
  return undefined;
};
