import type {
  ConversionContext,
  DroppedFeature,
  GeminiGenerateContentResponse,
  MessagesRequest,
  SafeguardResult,
  ToolUseContent,
} from "@claude-gemini/core";
import {
  convertToAnthropicMessage,
  convertToGeminiRequest,
  findToolUseSafeguard,
  validateMessagesRequest,
} from "@claude-gemini/core";
import { generateMessage, openMessageStream } from "./call-gemini.js";
import { formatWarningsHeader, WARNINGS_HEADER } from "./format-warnings-header.js";
import type { HandlerAnswer } from "./handler-core.js";
import { judgeToolUses } from "./judge-tool-uses.js";
import { readBetas } from "./read-betas.js";
import { readJsonBody } from "./read-json-body.js";
import type { RequestScope } from "./request-scope.js";
import { type OpenedUpstream, streamAnthropicEvents } from "./stream-anthropic-events.js";

/** The header that names the Gemini model that produced a response. */
const GEMINI_MODEL_HEADER = "x-claude-gemini-model";

/**
 * `POST /v1/messages`: validates and converts the request, calls Gemini through the upstream
 * pipeline (`call-gemini.ts`: key rotation, retries, capability correction, model fallback), and
 * answers with a message (JSON) or an SSE stream. A stream is held back until its first
 * upstream chunk, so a failure before that is still retried or answered with a JSON status
 * the client understands (429, 529…). With `enableStreaming: false` a stream request is
 * served by one non-streaming call replayed as SSE. When the request asks for Claude Code's
 * auto-mode check (`safeguards`), the answer's tool calls are judged before it ends.
 */
export async function handleMessages(scope: RequestScope): Promise<HandlerAnswer> {
  const { settings } = scope;
  const body = await readJsonBody(
    scope.request,
    settings.maxBodyBytes,
    settings.requestLimits?.maxNestingDepth,
  );
  const request = validateMessagesRequest(body, {
    betas: readBetas(scope.request.headers),
    limits: settings.requestLimits,
  });
  const conversion = convertToGeminiRequest(request, {
    models: settings.models,
    schemaCompiler: settings.schemaCompiler,
    supportsServerSideToolInvocations: settings.supportsServerSideToolInvocations,
  });
  scope.emit({
    type: "requestRead",
    model: request.model,
    geminiModel: conversion.context.geminiModel,
    stream: request.stream === true,
  });
  if (conversion.warnings.length > 0) {
    settings.logger.debug("request conversion warnings", {
      requestId: scope.requestId,
      warnings: conversion.warnings,
    });
  }

  const judge = createJudge(scope, request);

  // Fallback models and corrected calls (`call-gemini.ts`) get their own conversion and context.
  if (request.stream === true && settings.enableStreaming) {
    const opened = await openMessageStream(scope, request, conversion);
    reportDropped(scope, opened.dropped);
    return nameGeminiModel(
      streamAnthropicEvents(scope, opened.value, opened.context, { judgeToolUses: judge }),
      opened.context,
      opened.dropped,
    );
  }

  const generated = await generateMessage(scope, request, conversion);
  const response = generated.value;
  reportDropped(scope, generated.dropped);
  if (request.stream === true) {
    return nameGeminiModel(
      streamAnthropicEvents(scope, createReplayedUpstream(response), generated.context, {
        judgeToolUses: judge,
      }),
      generated.context,
      generated.dropped,
    );
  }
  return nameGeminiModel(
    await createMessageResponse(scope, response, generated.context, judge, generated.dropped),
    generated.context,
  );
}

type ToolUseJudge = (toolUses: readonly ToolUseContent[]) => Promise<SafeguardResult>;

/** The auto-mode check of this request's answer, when it asks for one (`safeguards`). */
function createJudge(scope: RequestScope, request: MessagesRequest): ToolUseJudge | undefined {
  const found = findToolUseSafeguard(request);
  if (found.warnings.length > 0) {
    // A check we cannot serve is said out loud: its caller gets no result for it.
    scope.settings.logger.warn("requested checks not served", {
      requestId: scope.requestId,
      warnings: found.warnings,
    });
  }
  const safeguard = found.value;
  if (safeguard === undefined) return undefined;
  return (toolUses) => judgeToolUses(scope, { request, safeguard, toolUses });
}

/**
 * Says which Gemini model answered (`message.model` keeps the client's name, fallbacks
 * included) and, in {@link WARNINGS_HEADER}, what of the request could not be served. A
 * stream's header is sent before the answer exists, so it names what the request lost; parts
 * of a streamed answer that could not be delivered are logged when the stream ends.
 */
function nameGeminiModel(
  answer: HandlerAnswer,
  context: ConversionContext,
  dropped: readonly DroppedFeature[] = [],
): HandlerAnswer {
  answer.headers[GEMINI_MODEL_HEADER] = context.geminiModel;
  const warnings = formatWarningsHeader(dropped);
  if (warnings !== undefined) answer.headers[WARNINGS_HEADER] = warnings;
  return answer;
}

/** One warn-level line (seen at the default log level) for what the request asked and did not get. */
function reportDropped(scope: RequestScope, dropped: readonly DroppedFeature[]): void {
  if (dropped.length === 0) return;
  scope.settings.logger.warn("request features not served", {
    requestId: scope.requestId,
    model: scope.record.model,
    dropped: dropped.map((entry) => entry.message),
  });
}

/** The JSON answer, with its auto-mode verdicts; its warnings header names what the request and the answer lost. */
async function createMessageResponse(
  scope: RequestScope,
  response: GeminiGenerateContentResponse,
  context: ConversionContext,
  judge: ToolUseJudge | undefined,
  requestDropped: readonly DroppedFeature[],
): Promise<HandlerAnswer> {
  const message = convertToAnthropicMessage(response, { context, generateId: scope.settings.generateId });
  if (judge !== undefined) {
    const toolUses = message.value.content.filter((block) => block.type === "tool_use");
    message.value.safeguard_results = [await judge(toolUses)];
  }
  if (message.warnings.length > 0) {
    scope.settings.logger.debug("response conversion warnings", {
      requestId: scope.requestId,
      warnings: message.warnings,
    });
  }
  if (message.dropped.length > 0) {
    scope.settings.logger.warn("answer parts not delivered", {
      requestId: scope.requestId,
      dropped: message.dropped.map((entry) => entry.message),
    });
  }
  scope.emit({
    type: "usage",
    inputTokens: message.value.usage.input_tokens,
    outputTokens: message.value.usage.output_tokens,
    thinkingTokens: response.usageMetadata?.thoughtsTokenCount,
    cachedTokens: response.usageMetadata?.cachedContentTokenCount,
  });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "request-id": scope.requestId,
  };
  const warnings = formatWarningsHeader([...requestDropped, ...message.dropped]);
  if (warnings !== undefined) headers[WARNINGS_HEADER] = warnings;
  // With its length, so hosts send it without chunked framing.
  return { status: 200, headers, body: JSON.stringify(message.value), sendLength: true };
}

/** A finished non-streaming response served through the stream path as a single chunk. */
function createReplayedUpstream(response: GeminiGenerateContentResponse): OpenedUpstream {
  return {
    first: response,
    next: async () => ({ done: true, value: undefined }),
    close: () => {},
  };
}
