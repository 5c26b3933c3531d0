import type {
  ConversionContext,
  DroppedFeature,
  GeminiGenerateContentParameters,
  MessagesRequest,
} from "@claude-gemini/core";
import {
  type CapabilityCorrection,
  convertToGeminiRequest,
  correctModelCapabilities,
  mapUpstreamError,
  readGeminiFailure,
} from "@claude-gemini/core";
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
 *
 * Capability correction: when Gemini refuses a generation setting the proxy chose for the model
 * (a thinking level it lacks, a budget on a levels-only model, a limit out of range — read by
 * `readGeminiFailure`, checked against what was sent by `correctModelCapabilities`), the request
 * is converted again with the corrected capability and sent once more. At most one such retry
 * per request; the lesson is kept for the process only when that call succeeds, and when it
 * fails too the client gets the original error.
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
  let currentName = request.model;
  let corrected = false;
  for (let index = 0; ; index++) {
    scope.emit({ type: "modelSelected", geminiModel: current.context.geminiModel });
    try {
      let value: T;
      try {
        value = await call(current.value);
      } catch (error) {
        const correction = corrected || scope.signal.aborted ? undefined : findCorrection(current, error);
        if (correction === undefined) throw error;
        corrected = true;
        const outcome = await callCorrected(scope, request, currentName, current, correction, call, error);
        value = outcome.value;
        // The response side reads the corrected call's context (thinking shown, tool names).
        current = {
          value: outcome.sent.value,
          context: { ...outcome.sent.context, requestedModel: request.model },
          dropped: outcome.sent.dropped,
        };
      }
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
      currentName = next;
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

type Converted = {
  value: GeminiGenerateContentParameters;
  context: ConversionContext;
  dropped: DroppedFeature[];
};

/** The correction a refused setting teaches, if the refusal is about what this call sent. */
function findCorrection(current: Converted, error: unknown): CapabilityCorrection | undefined {
  const rejection = readGeminiFailure(error)?.settingRejection;
  if (rejection === undefined) return undefined;
  return correctModelCapabilities(current.context.capabilities, rejection, current.value.config);
}

/**
 * Converts the request again with `correction` applied to the model, sends it once, and keeps
 * the lesson only when Gemini served it. Any failure of this call gives the client the
 * original error: the correction was ours, the refusal is what the client needs to see.
 */
async function callCorrected<T>(
  scope: RequestScope,
  request: MessagesRequest,
  modelName: string,
  current: Converted,
  correction: CapabilityCorrection,
  call: (parameters: GeminiGenerateContentParameters) => Promise<T>,
  original: unknown,
): Promise<{ value: T; sent: Converted }> {
  const { settings } = scope;
  const model = current.context.geminiModel;
  const learned = settings.models.learned;
  const converted = convertToGeminiRequest(
    { ...request, model: modelName },
    {
      models: {
        ...settings.models,
        learned: (name) =>
          name === model ? { ...learned?.(name), ...correction.capabilities } : learned?.(name),
      },
      schemaCompiler: settings.schemaCompiler,
      supportsServerSideToolInvocations: settings.supportsServerSideToolInvocations,
    },
  );
  settings.logger.info("Gemini refused a setting for this model; retrying once corrected", {
    requestId: scope.requestId,
    geminiModel: model,
    lesson: correction.lesson,
  });
  let value: T;
  try {
    value = await call(converted.value);
  } catch {
    throw original;
  }
  settings.knowledge.remember(model, correction);
  return { value, sent: converted };
}
