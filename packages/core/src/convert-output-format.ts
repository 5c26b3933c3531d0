/**
 * Anthropic structured output (`output_config.format`) → Gemini JSON mode, or a function that
 * carries the schema where JSON mode cannot be used.
 *
 * Specs: https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs,
 * https://ai.google.dev/gemini-api/docs/structured-output (`responseMimeType`,
 * `responseJsonSchema`, `responseSchema`) and
 * https://ai.google.dev/gemini-api/docs/function-calling (`functionCallingConfig.mode: ANY`).
 */
import type { OutputConfig, ToolChoice } from "./anthropic-api.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import type { SchemaConverter } from "./convert-tools-to-gemini.js";
import type { GeminiFunctionDeclaration, GeminiGenerateContentConfig } from "./gemini-api.js";
import type { ModelCapabilities } from "./model-capabilities.js";

export interface ConvertOutputFormatOptions {
  capabilities: ModelCapabilities;
  schemaCompiler: SchemaConverter;
  /** The request declares functions (client tools) to Gemini. */
  hasFunctions: boolean;
  /** The request sends built-in tools (Google Search, URL context) to Gemini. */
  hasBuiltInTools: boolean;
  toolChoice?: ToolChoice | null;
  /** Whether a Gemini function name is already declared, so the format function gets another. */
  isFunctionNameTaken: (name: string) => boolean;
}

/** The generation config fields structured output sets. */
export type OutputFormatConfig = Pick<
  GeminiGenerateContentConfig,
  "responseMimeType" | "responseJsonSchema" | "responseSchema"
>;

/** How the request asks Gemini for the format. */
export type OutputFormatPlan =
  /** No `output_config.format`, or nothing to ask for in this turn. */
  | { mode: "none" }
  /** Gemini's JSON mode: these generation config fields. */
  | { mode: "json"; config: OutputFormatConfig }
  /**
   * One more function whose parameters are the schema, to be called instead of a text answer
   * (`functionCallingConfig.mode: ANY`); its call is returned to the client as the JSON text.
   * `wrapped`: the schema is not an object and sits under the parameter `value`.
   */
  | { mode: "function"; declaration: GeminiFunctionDeclaration; functionName: string; wrapped: boolean };

/** The function that carries the format; a suffix is added when a client tool has the name. */
const FORMAT_FUNCTION_NAME = "final_answer";

const FORMAT_FUNCTION_DESCRIPTION =
  "Gives the final answer. When no further tool call is needed, call this function instead of writing a text answer: its arguments are the whole answer, in the required format. Write no text besides this call.";

function isObjectSchema(schema: Record<string, unknown>): boolean {
  return schema.type === "object" || (schema.type === undefined && typeof schema.properties === "object");
}

function pickFunctionName(isTaken: (name: string) => boolean): string {
  if (!isTaken(FORMAT_FUNCTION_NAME)) return FORMAT_FUNCTION_NAME;
  for (let suffix = 2; ; suffix++) {
    const name = `${FORMAT_FUNCTION_NAME}_${suffix}`;
    if (!isTaken(name)) return name;
  }
}

/**
 * Decides how `output_config.format` reaches Gemini. The schema goes through the same compiler
 * as tool schemas: to `responseJsonSchema` / `parametersJsonSchema` on models that take JSON
 * Schema, else to the OpenAPI subset (`responseSchema` / `parameters`).
 *
 * Rules:
 * - No tools, or a model that mixes JSON output with tools (`supportsStructuredOutputWithTools`,
 *   Gemini 3): JSON mode, and the answer comes back as one JSON text.
 * - Functions on a model that cannot mix them with JSON output (Gemini 2.5): a function
 *   `final_answer` whose parameters are the schema is declared next to the client's, and Gemini
 *   must call a function (mode ANY): a client tool while it still needs one, `final_answer` for
 *   the answer, which the response side turns into the JSON text a client of Anthropic's
 *   structured output expects (what the Vercel AI SDK's `Output.object` with tools needs).
 *   With `tool_choice: none` only `final_answer` may be called.
 * - `tool_choice` `any` or `tool` forces a tool call in this turn, and the format applies to a
 *   text answer only, so nothing is asked for (`mode: "none"`, with a note).
 * - Built-in tools without functions on such a model: JSON mode; the caller drops the built-in
 *   tools, since an answer in the wrong format breaks the client while a search is optional.
 *
 * A format type other than `json_schema`, or one without a schema, is an `InvalidRequestError`:
 * ignoring it would return prose to a client that parses JSON.
 *
 * @example
 * convertOutputFormat({ format: { type: "json_schema", schema } }, { capabilities, schemaCompiler, hasFunctions: false, hasBuiltInTools: false, isFunctionNameTaken: () => false });
 * // { value: { mode: "json", config: { responseMimeType: "application/json", responseJsonSchema: {...} } }, warnings: [] }
 */
export function convertOutputFormat(
  outputConfig: OutputConfig | null | undefined,
  options: ConvertOutputFormatOptions,
): { value: OutputFormatPlan; warnings: string[] } {
  const format = outputConfig?.format;
  if (format == null) return { value: { mode: "none" }, warnings: [] };
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
  const target = options.capabilities.supportsJsonSchema ? "parametersJsonSchema" : "parameters";
  const combinable = options.capabilities.supportsStructuredOutputWithTools === true;

  if (!options.hasFunctions || combinable) {
    const compiled = options.schemaCompiler.convert(format.schema, { target });
    const warnings = compiled.warnings.map((warning) => `output_config.format.schema: ${warning}`);
    const config: OutputFormatConfig = { responseMimeType: "application/json" };
    if (target === "parametersJsonSchema") config.responseJsonSchema = compiled.value;
    else config.responseSchema = compiled.value;
    return { value: { mode: "json", config }, warnings };
  }

  const choice = options.toolChoice?.type;
  if (choice === "any" || choice === "tool") {
    return {
      value: { mode: "none" },
      warnings: [
        `output_config.format was not sent: tool_choice "${choice}" makes this turn a tool call, and the format applies to a text answer.`,
      ],
    };
  }
  const wrapped = !isObjectSchema(format.schema);
  const schema = wrapped
    ? { type: "object", properties: { value: format.schema }, required: ["value"] }
    : format.schema;
  const compiled = options.schemaCompiler.convert(schema, { target });
  const warnings = compiled.warnings.map((warning) => `output_config.format.schema: ${warning}`);
  const functionName = pickFunctionName(options.isFunctionNameTaken);
  const declaration: GeminiFunctionDeclaration = {
    name: functionName,
    description: FORMAT_FUNCTION_DESCRIPTION,
  };
  if (target === "parametersJsonSchema") declaration.parametersJsonSchema = compiled.value;
  else declaration.parameters = compiled.value;
  warnings.push(
    `output_config.format is served by the function "${functionName}": this model cannot return JSON output in a request with tools.`,
  );
  return { value: { mode: "function", declaration, functionName, wrapped }, warnings };
}
