import type {
  ConversionContext,
  DroppedFeature,
  GeminiGenerateContentParameters,
  MessagesRequest,
} from "@claude-gemini/core";
import { convertToGeminiRequest, mapUpstreamError } from "@claude-gemini/core";
import type { FetchHandlerOptions } from "./fetch-handler-options.js";
import { replaceForeignSignatures } from "./replace-foreign-signatures.js";
import type { RequestScope } from "./request-scope.js";

/** Anthropic statuses after which another model may do better: 404 (no such model) and 529 (overloaded). */
const FALLBACK_STATUSES: ReadonlySet<number> = new Set([404, 529]);

/** The header that names the Gemini model that produced a response. */
export const GEMINI_MODEL_HEADER = "x-claude-gemini-model";

/**
 * Runs `call` (which does its own retries) on the converted request, and when the model stays
 * overloaded or is not found, on each fallback model in turn. A fallback request is converted
 * again for that model's capabilities (thinking setting, schema form, tool-result parts), its
 * history signatures are replaced (`replaceForeignSignatures`), and its context keeps the model
 * name the client asked for, so `message.model` does not change. Only failures before the
 * first byte reach this point, so a client never sees two models in one answer. The model used
 * is written to the completion record (`geminiModel`) and logged when it is a fallback.
 */
export async function runWithFallback<T>(
  scope: RequestScope,
  request: MessagesRequest,
  conversion: {
    value: GeminiGenerateContentParameters;
    context: ConversionContext;
    dropped: DroppedFeature[];
  },
  call: (parameters: GeminiGenerateContentParameters) => Promise<T>,
): Promise<{ value: T; context: ConversionContext; dropped: DroppedFeature[] }> {
  const { settings } = scope;
  const primary = conversion.context.geminiModel;
  const chain = readFallbackChain(settings.fallbackModels, primary);
  let current = conversion;
  for (let index = 0; ; index++) {
    scope.record.geminiModel = current.context.geminiModel;
    try {
      const value = await call(current.value);
      const created = scope.record.cacheCreationTokens;
      return {
        value,
        context:
          created === undefined ? current.context : { ...current.context, cacheCreationInputTokens: created },
        // What the conversion actually sent could not serve: another model may drop other things.
        dropped: current.dropped,
      };
    } catch (error) {
      const next = chain[index];
      const status = mapUpstreamError(error, {}).status;
      if (next === undefined || scope.signal.aborted || !FALLBACK_STATUSES.has(status)) throw error;
      settings.logger.warn("Gemini model unavailable; falling back", {
        requestId: scope.requestId,
        geminiModel: current.context.geminiModel,
        fallbackModel: next,
        status,
      });
      const converted = convertToGeminiRequest(
        { ...request, model: next },
        {
          models: settings.models,
          schemaCompiler: settings.schemaCompiler,
          supportsServerSideToolInvocations: settings.supportsServerSideToolInvocations,
        },
      );
      const signatures = replaceForeignSignatures(converted.value, converted.context.capabilities);
      current = {
        value: signatures.value,
        context: { ...converted.context, requestedModel: request.model },
        dropped: converted.dropped,
      };
    }
  }
}

/** The models to try after `primary`, in order, without `primary` itself. */
function readFallbackChain(fallbackModels: FetchHandlerOptions["fallbackModels"], primary: string): string[] {
  if (fallbackModels === undefined) return [];
  const chain = Array.isArray(fallbackModels)
    ? fallbackModels
    : Object.hasOwn(fallbackModels, primary)
      ? fallbackModels[primary]!
      : (fallbackModels["*"] ?? []);
  return chain.filter((model, index) => model !== primary && chain.indexOf(model) === index);
}
