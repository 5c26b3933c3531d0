/**
 * Anthropic `tools` and `tool_choice` → Gemini `tools` and `toolConfig`.
 *
 * Spec: https://ai.google.dev/gemini-api/docs/function-calling (function declarations,
 * `functionCallingConfig.mode`, `allowedFunctionNames`).
 */
import type { ToolChoice, ToolParam } from "./anthropic-api.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import { isGeminiServerTool } from "./convert-server-tools-to-gemini.js";
import type { ToolNameMap } from "./convert-tool-name.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from "./gemini-api.js";
import type { SchemaCompiler } from "./json-schema-compiler.js";
import type { ModelCapabilities } from "./model-capabilities.js";
import { resolveAnthropicClientTool } from "./resolve-anthropic-client-tool.js";

/** Gemini rejects requests with more function declarations than this. */
const MAX_FUNCTION_DECLARATIONS = 512;

/** Compiles a tool's JSON Schema into what Gemini accepts; `convertJsonSchema` by default. */
/** Anything that compiles schemas like `convertJsonSchema`, e.g. a cached `createSchemaCompiler()`. */
export type SchemaConverter = Pick<SchemaCompiler, "convert">;

type GeminiFunctionCallingMode = "AUTO" | "ANY" | "NONE";
type FunctionCallingConfig = NonNullable<GeminiToolConfig["functionCallingConfig"]>;

/** `tool_choice.type` → Gemini mode. `tool` is ANY restricted to one name. */
const FUNCTION_CALLING_MODES = {
  auto: "AUTO",
  any: "ANY",
  tool: "ANY",
  none: "NONE",
} as const satisfies Record<ToolChoice["type"], GeminiFunctionCallingMode>;

export interface ConvertToolsOptions {
  toolNames: ToolNameMap;
  capabilities: ModelCapabilities;
  schemaCompiler: SchemaConverter;
}

/** Anthropic server tools carry a versioned `type` (`web_search_20250305`, `bash_20250124`…); custom tools none. */
function isCustomTool(tool: ToolParam): boolean {
  return tool.type == null || tool.type === "custom";
}

function hasNoProperties(schema: Record<string, unknown>): boolean {
  const type = typeof schema.type === "string" ? schema.type.toLowerCase() : undefined;
  const properties = schema.properties;
  const empty =
    properties === undefined ||
    (typeof properties === "object" && properties !== null && Object.keys(properties).length === 0);
  return type === "object" && empty && schema.anyOf === undefined;
}

/** What {@link convertToolsToGemini} returns. */
export interface ConvertedTools {
  value: { tools?: GeminiTool[]; toolConfig?: GeminiToolConfig };
  warnings: string[];
  dropped: DroppedFeature[];
}

/**
 * Converts the declared tools into ONE Gemini tool holding every function declaration, and
 * `tool_choice` into `functionCallingConfig`. Anthropic-only knobs (`cache_control`,
 * `defer_loading`, `strict`, `input_examples`, `eager_input_streaming`) are stripped.
 * Anthropic-defined client tools (bash, text editor, memory, computer use) become functions
 * with the schema Anthropic documents (`resolve-anthropic-client-tool.ts`); other server tools
 * are dropped and reported. `tool_choice: none` keeps the declarations with mode NONE, so
 * history with calls stays valid. `disable_parallel_tool_use` cannot be enforced by Gemini.
 *
 * @throws InvalidRequestError with more than 512 functions, or a `tool_choice` naming an undeclared tool.
 */
export function convertToolsToGemini(
  tools: readonly ToolParam[] | null | undefined,
  toolChoice: ToolChoice | null | undefined,
  options: ConvertToolsOptions,
): ConvertedTools {
  const warnings: string[] = [];
  const dropped: DroppedFeature[] = [];
  const declarations: GeminiFunctionDeclaration[] = [];
  const seen = new Set<string>();
  const target = options.capabilities.supportsJsonSchema ? "parametersJsonSchema" : "parameters";

  (tools ?? []).forEach((tool, index) => {
    // Web search and web fetch become Gemini built-in tools in `convertServerToolsToGemini`.
    if (isGeminiServerTool(tool)) return;
    const clientTool = resolveAnthropicClientTool(tool);
    if (clientTool === undefined && !isCustomTool(tool)) {
      dropped.push({
        feature: `tool:${tool.type}`,
        message: `tools.${index}: the tool "${tool.name}" (${tool.type}) was dropped; the proxy cannot serve it on Gemini.`,
      });
      return;
    }
    if (seen.has(tool.name)) {
      dropped.push({
        feature: "tool:duplicate_name",
        message: `tools.${index}: a second tool named "${tool.name}" was dropped.`,
      });
      return;
    }
    seen.add(tool.name);
    const declaration: GeminiFunctionDeclaration = { name: options.toolNames.toGemini(tool.name) };
    const description = clientTool?.description ?? tool.description;
    if (description) declaration.description = description;
    const inputSchema = clientTool?.inputSchema ?? tool.input_schema;
    if (inputSchema) {
      const compiled = options.schemaCompiler.convert(inputSchema, { target });
      for (const warning of compiled.warnings) warnings.push(`tools.${index} (${tool.name}): ${warning}`);
      // The `parameters` form rejects an OBJECT without properties; a function without parameters says the same.
      if (target === "parametersJsonSchema") declaration.parametersJsonSchema = compiled.value;
      else if (!hasNoProperties(compiled.value)) declaration.parameters = compiled.value;
    }
    declarations.push(declaration);
  });

  if (declarations.length > MAX_FUNCTION_DECLARATIONS) {
    throw new InvalidRequestError(
      `tools: Gemini accepts at most ${MAX_FUNCTION_DECLARATIONS} functions, got ${declarations.length}.`,
      { path: "tools" },
    );
  }

  if (declarations.length === 0) {
    if (toolChoice && toolChoice.type !== "auto" && toolChoice.type !== "none") {
      if (toolChoice.type === "tool") {
        throw new InvalidRequestError(`tool_choice.name: no tool named "${toolChoice.name}" is declared.`, {
          path: "tool_choice.name",
        });
      }
      warnings.push(`tool_choice "${toolChoice.type}" was ignored: no functions are declared.`);
    }
    return { value: {}, warnings, dropped };
  }

  const value: { tools: GeminiTool[]; toolConfig?: GeminiToolConfig } = {
    tools: [{ functionDeclarations: declarations }],
  };
  if (!toolChoice) return { value, warnings, dropped };

  // The SDK types `mode` as a TypeScript enum; core imports SDK types only, so the string goes in by cast.
  const functionCallingConfig = {
    mode: FUNCTION_CALLING_MODES[toolChoice.type],
  } as unknown as FunctionCallingConfig;
  if (toolChoice.type === "tool") {
    if (!seen.has(toolChoice.name)) {
      throw new InvalidRequestError(`tool_choice.name: no tool named "${toolChoice.name}" is declared.`, {
        path: "tool_choice.name",
      });
    }
    functionCallingConfig.allowedFunctionNames = [options.toolNames.toGemini(toolChoice.name)];
  }
  if (toolChoice.type !== "none" && toolChoice.disable_parallel_tool_use) {
    dropped.push({
      feature: "tool_choice.disable_parallel_tool_use",
      message:
        "tool_choice.disable_parallel_tool_use cannot be enforced by Gemini; the model may still call tools in parallel.",
    });
  }
  value.toolConfig = { functionCallingConfig };
  return { value, warnings, dropped };
}
