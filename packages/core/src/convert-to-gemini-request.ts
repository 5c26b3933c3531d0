import type { MessagesRequest, TextBlock } from "./anthropic-api.js";
import type { ConversionContext } from "./conversion-context.js";
import { convertGenerationConfig } from "./convert-generation-config.js";
import { convertJsonSchema } from "./convert-json-schema.js";
import { convertMessagesToGemini } from "./convert-messages-to-gemini.js";
import { convertOutputFormat } from "./convert-output-format.js";
import { convertServerToolsToGemini } from "./convert-server-tools-to-gemini.js";
import { createToolNameMap } from "./convert-tool-name.js";
import { convertToolsToGemini, type SchemaConverter } from "./convert-tools-to-gemini.js";
import type {
  GeminiContent,
  GeminiGenerateContentConfig,
  GeminiGenerateContentParameters,
} from "./gemini-api.js";
import { isBillingHeaderText } from "./is-billing-header-text.js";
import { type ModelMappingOptions, resolveModel } from "./resolve-model.js";

export interface ConvertToGeminiRequestOptions {
  /** How `claude-*` names map to Gemini models, and capability overrides. */
  models?: ModelMappingOptions;
  /** Compiles tool input schemas; defaults to {@link convertJsonSchema}. Pass one with a cache to reuse work across requests. */
  schemaCompiler?: SchemaConverter;
  /** The backend takes `googleSearch.excludeDomains` (Vertex AI), so `blocked_domains` is sent upstream. */
  supportsExcludeDomains?: boolean;
}

const DEFAULT_SCHEMA_COMPILER: SchemaConverter = { convert: convertJsonSchema };

/**
 * `system` → `systemInstruction`, one part per non-empty text block; never a user turn. Claude
 * Code's billing header block is left out: it only makes the cached prefix differ per session.
 */
function convertSystem(system: string | TextBlock[] | null | undefined): GeminiContent | undefined {
  const texts = typeof system === "string" ? [system] : (system ?? []).map((block) => block.text);
  const parts = texts
    .filter((text) => text.length > 0 && !isBillingHeaderText(text))
    .map((text) => ({ text }));
  return parts.length > 0 ? { parts } : undefined;
}

/** Every tool name the request mentions: declared tools first, then names only history knows. */
function collectToolNames(request: MessagesRequest): string[] {
  const names = (request.tools ?? []).map((tool) => tool.name);
  for (const message of request.messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_use") names.push(block.name);
      else if (block.type === "tool_result" && Array.isArray(block.content)) {
        for (const inner of block.content) if (inner.type === "tool_reference") names.push(inner.tool_name);
      }
    }
  }
  return names;
}

/**
 * Converts a validated Anthropic Messages request into Gemini `generateContent` parameters,
 * plus the {@link ConversionContext} the response side needs (tool name map, model,
 * whether thinking is shown) and warnings for everything dropped on the way.
 *
 * @throws InvalidRequestError when the request cannot be expressed for Gemini (more than 512
 * tools, a `tool_choice` naming an undeclared tool, no message with any content, an
 * `output_config.format` other than a `json_schema` with a schema). Web search and web fetch
 * become Gemini built-in tools (`convert-server-tools-to-gemini.ts`), `output_config.format`
 * becomes JSON mode (`convert-output-format.ts`).
 *
 * @example
 * const { value, context, warnings } = convertToGeminiRequest(request);
 * const response = await gemini.models.generateContent(value);
 */
export function convertToGeminiRequest(
  request: MessagesRequest,
  options: ConvertToGeminiRequestOptions = {},
): { value: GeminiGenerateContentParameters; context: ConversionContext; warnings: string[] } {
  const { geminiModel, capabilities, retired } = resolveModel(request.model, options.models);
  const generation = convertGenerationConfig(request, capabilities);
  const toolNames = createToolNameMap(collectToolNames(request));
  const serverTools = convertServerToolsToGemini(request.tools, {
    supportsExcludeDomains: options.supportsExcludeDomains,
  });
  const serverToolWarnings = [...serverTools.warnings];
  let toolChoice = request.tool_choice;
  if (toolChoice?.type === "tool" && serverTools.value.names.includes(toolChoice.name)) {
    // Gemini searches when it sees fit; no setting forces a built-in tool.
    serverToolWarnings.push(`tool_choice "${toolChoice.name}" cannot force a Gemini search; sent as auto.`);
    toolChoice = { type: "auto" };
  }
  const tools = convertToolsToGemini(request.tools, toolChoice, {
    toolNames,
    capabilities,
    schemaCompiler: options.schemaCompiler ?? DEFAULT_SCHEMA_COMPILER,
  });
  const declaredToolNames = new Set<string>();
  for (const tool of tools.value.tools ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      const name = toolNames.toAnthropic(declaration.name ?? "");
      if (name !== undefined) declaredToolNames.add(name);
    }
  }
  const messages = convertMessagesToGemini(request.messages, { toolNames, capabilities, declaredToolNames });

  const config: GeminiGenerateContentConfig = { ...generation.value };
  const systemInstruction = convertSystem(request.system);
  if (systemInstruction) config.systemInstruction = systemInstruction;
  // Gemini rejects built-in tools next to function declarations unless the request opts in to
  // server-side tool invocations (Gemini 3), whose extra parts Anthropic cannot carry: the
  // functions win, as an agent loop needs them, and search is dropped with a warning.
  let builtInTools = serverTools.value.tools;
  if (builtInTools.length > 0 && (tools.value.tools?.length ?? 0) > 0) {
    serverToolWarnings.push(
      `tools: ${serverTools.value.names.join(", ")} dropped: Gemini does not take built-in tools together with function declarations.`,
    );
    builtInTools = [];
  }
  const allTools = [...(tools.value.tools ?? []), ...builtInTools];
  if (allTools.length > 0) config.tools = allTools;
  const outputFormat = convertOutputFormat(request.output_config, {
    capabilities,
    schemaCompiler: options.schemaCompiler ?? DEFAULT_SCHEMA_COMPILER,
    hasTools: allTools.length > 0,
  });
  Object.assign(config, outputFormat.value);
  if (tools.value.toolConfig) config.toolConfig = tools.value.toolConfig;

  return {
    value: { model: geminiModel, contents: messages.value, config },
    context: {
      requestedModel: request.model,
      geminiModel,
      capabilities,
      toolNames: toolNames.entries,
      showThinking: generation.showThinking,
      stopSequences: request.stop_sequences ?? [],
      ...(builtInTools.length > 0 && serverTools.value.domainFilter
        ? { webSearchDomainFilter: serverTools.value.domainFilter }
        : {}),
    },
    warnings: [
      ...(retired
        ? [
            `model: ${retired.requested} was retired by Google on ${retired.retiredOn}; ${retired.successor} answers instead.`,
          ]
        : []),
      ...generation.warnings,
      ...tools.warnings,
      ...serverToolWarnings,
      ...outputFormat.warnings,
      ...messages.warnings,
    ],
  };
}
