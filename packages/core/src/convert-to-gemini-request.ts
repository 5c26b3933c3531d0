import type { MessagesRequest, TextBlock, ToolChoice } from "./anthropic-api.js";
import type { ConversionContext } from "./conversion-context.js";
import { convertGenerationConfig } from "./convert-generation-config.js";
import { convertJsonSchema } from "./convert-json-schema.js";
import { convertMessagesToGemini } from "./convert-messages-to-gemini.js";
import { convertOutputFormat } from "./convert-output-format.js";
import { convertServerToolsToGemini } from "./convert-server-tools-to-gemini.js";
import { createToolNameMap } from "./convert-tool-name.js";
import { convertToolsToGemini, type SchemaConverter } from "./convert-tools-to-gemini.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type {
  GeminiContent,
  GeminiGenerateContentConfig,
  GeminiGenerateContentParameters,
  GeminiTool,
  GeminiToolConfig,
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
  /**
   * Set to `false` on a backend without `toolConfig.includeServerSideToolInvocations` (Vertex AI):
   * built-in tools are then never combined with functions, whatever the model's capabilities say.
   */
  supportsServerSideToolInvocations?: boolean;
  /**
   * Converts for this model instead of the one `request.model` maps to (a fallback model; a
   * `claude-*` name is mapped too): its capabilities shape the request, signatures of any other
   * model are left out, and the context keeps `request.model` as the name the client asked for.
   */
  targetModel?: string;
}

/** What {@link convertToGeminiRequest} returns. */
export interface ConvertedGeminiRequest {
  value: GeminiGenerateContentParameters;
  context: ConversionContext;
  /** Lossy-but-harmless notes: simplified schemas, clamped budgets, repaired history. */
  warnings: string[];
  /** Features of the request that were not served: tools, formats, blocks, settings. */
  dropped: DroppedFeature[];
}

type FunctionCallingConfig = NonNullable<GeminiToolConfig["functionCallingConfig"]>;

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
 * whether thinking is shown), notes (`warnings`) and what could not be served (`dropped`).
 *
 * Tools: client tools and Anthropic-defined client tools become functions
 * (`convert-tools-to-gemini.ts`), web search and web fetch become Gemini built-in tools
 * (`convert-server-tools-to-gemini.ts`). Built-in tools and functions go together only on a
 * model with `supportsServerSideToolInvocations` (Gemini 3 on the Gemini API), with
 * `toolConfig.includeServerSideToolInvocations`; there `AUTO` is not a legal mode, so
 * `tool_choice: auto` is sent as `VALIDATED`. Elsewhere the functions win, as an agent loop
 * needs them, and the built-in tools are dropped and reported. `output_config.format` becomes
 * JSON mode or a function carrying the schema (`convert-output-format.ts`).
 *
 * @throws InvalidRequestError when the request cannot be expressed for Gemini (more than 512
 * tools, a `tool_choice` naming an undeclared tool, no message with any content, an
 * `output_config.format` other than a `json_schema` with a schema).
 *
 * @example
 * const { value, context, warnings, dropped } = convertToGeminiRequest(request);
 * const response = await gemini.models.generateContent(value);
 */
export function convertToGeminiRequest(
  request: MessagesRequest,
  options: ConvertToGeminiRequestOptions = {},
): ConvertedGeminiRequest {
  const requested = resolveModel(request.model, options.models);
  const { geminiModel, capabilities, retired } =
    options.targetModel === undefined ? requested : resolveModel(options.targetModel, options.models);
  const schemaCompiler = options.schemaCompiler ?? DEFAULT_SCHEMA_COMPILER;
  const generation = convertGenerationConfig(request, capabilities);
  const toolNames = createToolNameMap(collectToolNames(request));
  const serverTools = convertServerToolsToGemini(request.tools, {
    supportsExcludeDomains: options.supportsExcludeDomains,
  });
  const notes: string[] = [...serverTools.warnings];
  const dropped: DroppedFeature[] = [];
  const askedStops = (request.stop_sequences ?? []).filter((sequence) => sequence !== "").length;
  const sentStops = generation.value.stopSequences?.length ?? 0;
  if (sentStops < askedStops) {
    dropped.push({
      feature: "stop_sequences",
      message: `stop_sequences: Gemini takes ${sentStops} stop sequences; the other ${askedStops - sentStops} were dropped.`,
    });
  }
  let toolChoice = request.tool_choice;
  if (toolChoice?.type === "tool" && serverTools.value.names.includes(toolChoice.name)) {
    // Gemini searches when it sees fit; no setting forces a built-in tool. Claude Code's WebSearch
    // asks this way on every search and gets one, so it is a note, not a dropped feature.
    notes.push(`tool_choice "${toolChoice.name}" cannot force a Gemini search; sent as auto.`);
    toolChoice = { type: "auto" };
  }
  const tools = convertToolsToGemini(request.tools, toolChoice, { toolNames, capabilities, schemaCompiler });
  dropped.push(...tools.dropped);
  const declarations = tools.value.tools?.[0]?.functionDeclarations ?? [];
  const declaredToolNames = new Set<string>();
  for (const declaration of declarations) {
    const name = toolNames.toAnthropic(declaration.name ?? "");
    if (name !== undefined) declaredToolNames.add(name);
  }
  const hasFunctions = declarations.length > 0;

  // Gemini rejects built-in tools next to function declarations unless the model runs both and
  // the request opts in to server-side tool invocations.
  let builtInTools = serverTools.value.tools;
  const combined =
    builtInTools.length > 0 &&
    hasFunctions &&
    capabilities.supportsServerSideToolInvocations === true &&
    options.supportsServerSideToolInvocations !== false;
  if (builtInTools.length > 0 && hasFunctions && !combined) {
    dropBuiltInTools(
      dropped,
      serverTools.value.names,
      "this Gemini model does not take built-in tools together with function declarations",
    );
    builtInTools = [];
  }

  const outputFormat = convertOutputFormat(request.output_config, {
    capabilities,
    schemaCompiler,
    hasFunctions,
    hasBuiltInTools: builtInTools.length > 0,
    toolChoice,
    isFunctionNameTaken: (name) => toolNames.toAnthropic(name) !== undefined,
  });
  notes.push(...outputFormat.warnings);
  const format = outputFormat.value;
  if (
    format.mode === "json" &&
    builtInTools.length > 0 &&
    capabilities.supportsStructuredOutputWithTools !== true
  ) {
    dropBuiltInTools(
      dropped,
      serverTools.value.names,
      "this Gemini model cannot return JSON output in a request with tools, and output_config.format was asked for",
    );
    builtInTools = [];
  }

  const messages = convertMessagesToGemini(request.messages, {
    toolNames,
    capabilities,
    declaredToolNames,
    serverSideToolInvocations: combined,
    geminiModel,
    // Signatures of the first format name no model: presumed to be the requested model's.
    unnamedSignatureModel: requested.geminiModel,
  });
  dropped.push(...messages.dropped);

  const config: GeminiGenerateContentConfig = { ...generation.value };
  const systemInstruction = convertSystem(request.system);
  if (systemInstruction) config.systemInstruction = systemInstruction;

  const functionDeclarations =
    format.mode === "function" ? [...declarations, format.declaration] : declarations;
  const allTools: GeminiTool[] = [
    ...(functionDeclarations.length > 0 ? [{ functionDeclarations }] : []),
    ...builtInTools,
  ];
  if (allTools.length > 0) config.tools = allTools;
  if (format.mode === "json") Object.assign(config, format.config);
  const toolConfig = buildToolConfig(tools.value.toolConfig, {
    combined,
    formatFunction: format.mode === "function" ? format.functionName : undefined,
    toolChoice,
  });
  if (toolConfig !== undefined) config.toolConfig = toolConfig;

  return {
    value: { model: geminiModel, contents: messages.value, config },
    context: {
      requestedModel: request.model,
      geminiModel,
      capabilities,
      toolNames: toolNames.entries,
      showThinking: generation.showThinking,
      stopSequences: request.stop_sequences ?? [],
      ...(format.mode === "function"
        ? { structuredOutput: { functionName: format.functionName, wrapped: format.wrapped } }
        : {}),
      ...(builtInTools.length > 0 && serverTools.value.domainFilter
        ? { webSearchDomainFilter: serverTools.value.domainFilter }
        : {}),
    },
    warnings: [...generation.warnings, ...tools.warnings, ...notes, ...messages.warnings],
    dropped: retired
      ? [
          {
            feature: `model:${retired.requested}`,
            message: `model: ${retired.requested} was retired by Google on ${retired.retiredOn}; ${retired.successor} answers instead.`,
          },
          ...dropped,
        ]
      : dropped,
  };
}

function dropBuiltInTools(dropped: DroppedFeature[], names: readonly string[], reason: string): void {
  for (const name of new Set(names)) {
    dropped.push({ feature: name, message: `tools: ${name} was dropped: ${reason}.` });
  }
}

/**
 * The request's `toolConfig`: the client's `tool_choice` as converted, then adjusted for the
 * format function (a call is required, and with `tool_choice: none` only that one) and for
 * combined built-in tools (the flag, and `VALIDATED` where `AUTO` is not accepted).
 */
function buildToolConfig(
  converted: GeminiToolConfig | undefined,
  options: {
    combined: boolean;
    formatFunction: string | undefined;
    toolChoice: ToolChoice | null | undefined;
  },
): GeminiToolConfig | undefined {
  let functionCallingConfig = converted?.functionCallingConfig;
  if (options.formatFunction !== undefined) {
    // The SDK types `mode` as a TypeScript enum; core imports SDK types only, so the string goes in by cast.
    functionCallingConfig = { mode: "ANY" } as unknown as FunctionCallingConfig;
    if (options.toolChoice?.type === "none")
      functionCallingConfig.allowedFunctionNames = [options.formatFunction];
  } else if (options.combined && (functionCallingConfig?.mode as string | undefined) === "AUTO") {
    functionCallingConfig = {
      ...functionCallingConfig,
      mode: "VALIDATED" as unknown as FunctionCallingConfig["mode"],
    };
  }
  const toolConfig: GeminiToolConfig = {};
  if (functionCallingConfig !== undefined) toolConfig.functionCallingConfig = functionCallingConfig;
  if (options.combined) toolConfig.includeServerSideToolInvocations = true;
  return Object.keys(toolConfig).length > 0 ? toolConfig : undefined;
}
