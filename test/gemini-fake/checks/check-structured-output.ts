import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findSchemaViolation } from "./find-schema-violation.js";
import { isPlainObject } from "./is-plain-object.js";

const MIME_TYPES = new Set(["text/plain", "application/json", "text/x.enum"]);

/**
 * Structured output (https://ai.google.dev/gemini-api/docs/structured-output): a known
 * `responseMimeType`; `responseSchema` / `responseJsonSchema` only with a JSON (or enum) type,
 * never both; `responseJsonSchema` only on models that take JSON Schema; `responseSchema` in the
 * OpenAPI subset; and, before Gemini 3, no JSON output in a request with tools.
 */
export const checkStructuredOutput: RequestCheck = (body, context) => {
  const config = body.generationConfig;
  if (!isPlainObject(config)) return undefined;
  const mimeType = config.responseMimeType;
  if (mimeType !== undefined && (typeof mimeType !== "string" || !MIME_TYPES.has(mimeType))) {
    return invalidArgument(
      `* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`, \`text/x.enum\`, got ${JSON.stringify(mimeType)}.\n`,
    );
  }
  const hasSchema = config.responseSchema !== undefined;
  const hasJsonSchema = config.responseJsonSchema !== undefined;
  if (hasSchema && hasJsonSchema) {
    return invalidArgument(
      "* GenerateContentRequest.generation_config: response_schema and response_json_schema are mutually exclusive.\n",
    );
  }
  if ((hasSchema || hasJsonSchema) && mimeType !== "application/json" && mimeType !== "text/x.enum") {
    return invalidArgument(
      "* GenerateContentRequest.generation_config.response_mime_type: a response schema needs response_mime_type application/json.\n",
    );
  }
  if (hasJsonSchema) {
    if (!context.model.supportsJsonSchema) {
      return invalidArgument(
        `* GenerateContentRequest.generation_config.response_json_schema: response_json_schema is not supported for models/${context.model.id}.\n`,
      );
    }
    if (!isPlainObject(config.responseJsonSchema) && typeof config.responseJsonSchema !== "boolean") {
      return invalidArgument(
        `Invalid value at 'generation_config.response_json_schema' (type.googleapis.com/google.protobuf.Value), ${JSON.stringify(config.responseJsonSchema)}`,
      );
    }
  }
  if (hasSchema) {
    const violation = findSchemaViolation(config.responseSchema, "generation_config.response_schema", {
      restrictStringFormats: !context.model.supportsJsonSchema,
    });
    if (violation) return violation;
  }
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (mimeType === "application/json" && hasTools && !context.model.generation3) {
    return invalidArgument("Function calling with a response mime type: 'application/json' is unsupported");
  }
  return undefined;
};
