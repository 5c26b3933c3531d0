import type { WebSearchDomainFilter } from "./convert-server-tools-to-gemini.js";
import type { ModelCapabilities } from "./model-capabilities.js";

/**
 * What `convertToGeminiRequest` learned about a request that the response side needs:
 * it is returned with the Gemini request and passed to `convertToAnthropicMessage` and
 * `createStreamTranslator`.
 */
export interface ConversionContext {
  /** The model name the client asked for; reported back in `message.model`. */
  requestedModel: string;
  /** The Gemini model the request goes to. */
  geminiModel: string;
  capabilities: ModelCapabilities;
  /** Gemini function name → the Anthropic tool name the client declared. */
  toolNames: ReadonlyMap<string, string>;
  /** Whether thought text is returned to the client (`thinking.display: "omitted"` hides it, signatures stay). */
  showThinking: boolean;
  /** The client's `stop_sequences`, to tell `stop_sequence` from `end_turn`. */
  stopSequences: readonly string[];
  /**
   * The function that carries `output_config.format` on a model that cannot mix JSON output with
   * tools (`convert-output-format.ts`); a call of it is the JSON answer, returned as text.
   * `wrapped` means the schema was not an object and sits under the argument `value`.
   */
  structuredOutput?: { functionName: string; wrapped: boolean };
  /** Domain filters of the request's web search tool, applied to grounding results (see `convert-server-tools-to-gemini.ts`). */
  webSearchDomainFilter?: WebSearchDomainFilter;
  /**
   * Tokens of a Gemini cached content the host created for this request; they are reported as
   * `cache_creation_input_tokens` (out of the cached tokens Gemini reports) instead of cache reads.
   */
  cacheCreationInputTokens?: number;
}
