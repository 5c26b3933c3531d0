/**
 * Anthropic structured output (`output_config.format`) → Gemini JSON mode.
 *
 * Specs: https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs and
 * https://ai.google.dev/gemini-api/docs/structured-output (`responseMimeType`,
 * `responseJsonSchema`, `responseSchema`).
 */
import type { OutputConfig } from "./anthropic-api.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import type { SchemaConverter } from "./convert-tools-to-gemini.js";
import type { GeminiGenerateContentConfig } from "./gemini-api.js";
import type { ModelCapabilities } from "./model-capabilities.js";

export interface ConvertOutputFormatOptions {
  capabilities: ModelCapabilities;
  schemaCompiler: SchemaConverter;
  /** The request also sends functions or built-in tools to Gemini. */
  hasTools: boolean;
}

/** The generation config fields structured output sets. */
export type OutputFormatConfig = Pick<
  GeminiGenerateContentConfig,
  "responseMimeType" | "responseJsonSchema" | "responseSchema"
>;

/**
 * Converts `output_config.format` into Gemini's JSON mode. The schema goes through the same
 * compiler as tool schemas: to `responseJsonSchema` (target `parametersJsonSchema`) on models
 * that take JSON Schema, else to the OpenAPI subset in `responseSchema` (target `parameters`).
 * The answer comes back as one JSON text, which the response side passes through as text.
 *
 * Choices: on a model that cannot mix JSON output with tools (Gemini 2.5 and older), a request
 * that has both keeps its tools and drops the format with a warning, since an agent loop needs
 * its tools more than the JSON mode. A format type other than `json_schema`, or one without a
 * schema, is an `InvalidRequestError`: ignoring it would return prose to a client that parses JSON.
 *
 * @example
 * convertOutputFormat({ format: { type: "json_schema", schema } }, { capabilities, schemaCompiler, hasTools: false });
 * // { value: { responseMimeType: "application/json", responseJsonSchema: {...} }, warnings: [] }
 */
export function convertOutputFormat(
  outputConfig: OutputConfig | null | undefined,
  options: ConvertOutputFormatOptions,
): { value: OutputFormatConfig; warnings: string[] } {
  const format = outputConfig?.format;
  if (format == null) return { value: {}, warnings: [] };
  if (format.type !== "json_schema") {
    throw new InvalidRequestError(
      `output_config.format.type: "${format.type}" is not supported; use "json_schema".`,
      { path: "output_config.format.type" },
    );
  }
  if (format.schema == null) {
    throw new InvalidRequestError("output_config.format.schema: a json_schema format needs a schema.", {
      path: "output_config.format.schema",
    });
  }
  if (options.hasTools && !options.capabilities.supportsStructuredOutputWithTools) {
    return {
      value: {},
      warnings: [
        "output_config.format was dropped: this Gemini model cannot return JSON output in a request with tools.",
      ],
    };
  }
  const target = options.capabilities.supportsJsonSchema ? "parametersJsonSchema" : "parameters";
  const compiled = options.schemaCompiler.convert(format.schema, { target });
  const warnings = compiled.warnings.map((warning) => `output_config.format.schema: ${warning}`);
  const value: OutputFormatConfig = { responseMimeType: "application/json" };
  if (target === "parametersJsonSchema") value.responseJsonSchema = compiled.value;
  else value.responseSchema = compiled.value;
  return { value, warnings };
}
