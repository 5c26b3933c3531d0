/**
 * `@claude-gemini/core`: pure converters between the Anthropic Messages API and the
 * Google Gemini API. No I/O: every host (fetch handler, Node server, your own gateway)
 * does the talking and passes in what core needs.
 */

export type {
  AnthropicErrorBody,
  AnthropicErrorType,
  AnthropicMessage,
  AnthropicStreamEvent,
  ContentBlock,
  ContentBlockDelta,
  ContentBlockParam,
  CountTokensRequest,
  DocumentBlock,
  ImageBlock,
  MessageParam,
  MessagesRequest,
  OutputConfig,
  RedactedThinkingBlock,
  SafeguardParam,
  SafeguardResult,
  SearchResultBlock,
  ServerToolUseContent,
  StopReason,
  TextBlock,
  TextContent,
  ThinkingBlock,
  ThinkingConfigParam,
  ThinkingContent,
  ToolChoice,
  ToolParam,
  ToolReferenceBlock,
  ToolResultBlock,
  ToolUseBlock,
  ToolUseContent,
  ToolUseVerdict,
  UnknownBlock,
  Usage,
  WebSearchResult,
  WebSearchResultLocation,
  WebSearchToolResultContent,
} from "./anthropic-api.js";
export { buildCountTokensRequest } from "./build-count-tokens-request.js";
export type {
  BuildSafeguardClassifierRequestOptions,
  SafeguardClassifierInput,
} from "./build-safeguard-classifier-request.js";
export { buildSafeguardClassifierRequest } from "./build-safeguard-classifier-request.js";
export { checkJsonNesting } from "./check-json-nesting.js";
export { checkModelName, isValidModelName } from "./check-model-name.js";
export type { RequestLimits } from "./check-request-limits.js";
export { ClaudeGeminiError, InvalidRequestError } from "./claude-gemini-error.js";
export type { ConversionContext } from "./conversion-context.js";
export type { Effort } from "./convert-generation-config.js";
export type { ConvertJsonSchemaOptions, JsonSchemaTarget } from "./convert-json-schema.js";
export { convertJsonSchema } from "./convert-json-schema.js";
export type { ConvertResponseOptions } from "./convert-to-anthropic-message.js";
export { convertToAnthropicMessage } from "./convert-to-anthropic-message.js";
export type { ConvertedGeminiRequest, ConvertToGeminiRequestOptions } from "./convert-to-gemini-request.js";
export { convertToGeminiRequest } from "./convert-to-gemini-request.js";
export type { CapabilityCorrection } from "./correct-model-capabilities.js";
export { correctModelCapabilities } from "./correct-model-capabilities.js";
export type { IdGenerator } from "./create-id-generator.js";
export { createIdGenerator } from "./create-id-generator.js";
export { createSafeguardResult } from "./create-safeguard-result.js";
export type { SseDecoder, SseEvent } from "./create-sse-decoder.js";
export { createSseDecoder } from "./create-sse-decoder.js";
export type {
  MessageEndAddition,
  StreamTranslator,
  StreamTranslatorOptions,
} from "./create-stream-translator.js";
export { createStreamTranslator } from "./create-stream-translator.js";
export type { DroppedFeature } from "./dropped-feature.js";
export { encodeSseEvent } from "./encode-sse-event.js";
export { estimateTokens } from "./estimate-tokens.js";
export { findToolUseSafeguard } from "./find-tool-use-safeguard.js";
export type {
  GeminiBlockReason,
  GeminiCandidate,
  GeminiContent,
  GeminiCountTokensParameters,
  GeminiErrorStatus,
  GeminiFinishReason,
  GeminiFunctionCall,
  GeminiFunctionDeclaration,
  GeminiFunctionResponse,
  GeminiGenerateContentConfig,
  GeminiGenerateContentParameters,
  GeminiGenerateContentResponse,
  GeminiGroundingMetadata,
  GeminiPart,
  GeminiSchema,
  GeminiThinkingConfig,
  GeminiThinkingLevel,
  GeminiTool,
  GeminiToolConfig,
  GeminiUsageMetadata,
} from "./gemini-api.js";
export { isRetryableGeminiResponse } from "./is-retryable-gemini-response.js";
export type { SchemaCompiler, SchemaCompilerOptions } from "./json-schema-compiler.js";
export { createSchemaCompiler } from "./json-schema-compiler.js";
export type { AnthropicErrorResponse, MapUpstreamErrorOptions } from "./map-upstream-error.js";
export { mapUpstreamError } from "./map-upstream-error.js";
export type { ModelCapabilities, ThinkingStyle } from "./model-capabilities.js";
export type { GeminiFailure, SettingRejection } from "./read-gemini-failure.js";
export { readGeminiFailure } from "./read-gemini-failure.js";
export type { NetworkFailure } from "./read-network-failure.js";
export { readNetworkFailure } from "./read-network-failure.js";
export { readSafeguardVerdicts } from "./read-safeguard-verdicts.js";
export type { ModelMappingOptions, RetiredModelSubstitution } from "./resolve-model.js";
export { DEFAULT_MODEL_CAPABILITIES, listConfiguredModels, resolveModel } from "./resolve-model.js";
export type { ValidateRequestOptions } from "./validate-messages-request.js";
export { validateCountTokensRequest, validateMessagesRequest } from "./validate-messages-request.js";
