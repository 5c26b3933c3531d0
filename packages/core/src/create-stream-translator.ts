import type {
  AnthropicErrorBody,
  AnthropicStreamEvent,
  ContentBlock,
  ContentBlockDelta,
  SafeguardResult,
  StopReason,
  ToolUseContent,
  Usage,
} from "./anthropic-api.js";
import { convertGroundingToAnthropic } from "./convert-grounding-to-anthropic.js";
import type { ConvertResponseOptions } from "./convert-to-anthropic-message.js";
import { convertUsage } from "./convert-usage.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type {
  GeminiGenerateContentResponse,
  GeminiGroundingMetadata,
  GeminiUsageMetadata,
} from "./gemini-api.js";
import { readResponsePart } from "./read-response-part.js";
import { resolveResponseOutcome } from "./resolve-response-outcome.js";
import {
  encodeServerToolPart,
  encodeThinkingSignature,
  encodeToolUseId,
  TRAILING_TEXT_SIGNATURE_WARNING,
} from "./thought-signature.js";

/** Options of {@link createStreamTranslator}. */
export interface StreamTranslatorOptions extends ConvertResponseOptions {
  /** Turns a failure into the body of the `error` event; the default reports an `api_error`. */
  mapError?: (error: unknown) => AnthropicErrorBody;
}

/** What the final `message_delta` carries besides the stop reason and usage. */
export interface MessageEndAddition {
  /** Verdicts of the checks the request asked for (`safeguards`), as `delta.safeguard_results`. */
  safeguardResults?: SafeguardResult[];
}

/** Gemini stream chunks in, Anthropic stream events out. */
export interface StreamTranslator {
  push(chunk: GeminiGenerateContentResponse): AnthropicStreamEvent[];
  /** Closes the answer: the last blocks, `message_delta` (with `addition`) and `message_stop`. */
  finish(addition?: MessageEndAddition): AnthropicStreamEvent[];
  fail(error: unknown): AnthropicStreamEvent[];
  /** `message_start` has been emitted. */
  readonly started: boolean;
  /** `finish()` or `fail()` ended the stream; later calls return `[]`. */
  readonly finished: boolean;
  /**
   * Gemini has said the answer is complete (a finish reason or a blocked prompt), so `finish()`
   * ends it with `message_stop` rather than an `error` event.
   */
  readonly complete: boolean;
  /** The `tool_use` blocks sent so far, in order: what a host judges before `finish()`. */
  readonly toolUses: readonly ToolUseContent[];
  /** Lossy-but-safe notes so far, for the caller to log. */
  readonly warnings: readonly string[];
  /** Parts of the answer the client could not be given (code execution, generated images), for the caller to report. */
  readonly dropped: readonly DroppedFeature[];
}

/** A Gemini mid-stream error arrives as a chunk `{ error: { code, message, status } }`. */
interface GeminiErrorChunk {
  error: { code?: number; message?: string; status?: string };
}

type OpenBlock = { index: number; kind: "text" } | { index: number; kind: "thinking" };

/**
 * Creates the translator from Gemini `streamGenerateContent` chunks to Anthropic stream
 * events. A plain state object: the host feeds chunks and writes out what comes back.
 *
 * It keeps Anthropic's order itself: `message_start` first, blocks opened lazily with indexes
 * 0, 1, 2… never reused, a delta only inside an open block, `signature_delta` right before a
 * thinking block's `content_block_stop`, `message_delta` (with usage) and `message_stop` last.
 * Blocks follow the same rules as `convertToAnthropicMessage`, so the events rebuild to the
 * message the non-streaming converter makes, including where a text part's signature carrier
 * goes (held until the next block opens, dropped when none does). A stream that ends without a
 * finish reason ends with an `error` event, never with `message_stop`, so clients know to retry.
 *
 * A chunk carrying `{ error }` is passed to `mapError` as it came (Gemini's error body).
 *
 * @example
 * const translator = createStreamTranslator({ context, generateId });
 * for await (const chunk of geminiStream) for (const event of translator.push(chunk)) write(encodeSseEvent(event));
 * for (const event of translator.finish()) write(encodeSseEvent(event));
 */
export function createStreamTranslator(options: StreamTranslatorOptions): StreamTranslator {
  const { context, generateId } = options;
  const mapError = options.mapError ?? defaultMapError;
  const warnings: string[] = [];
  const dropped: DroppedFeature[] = [];
  const partOptions = { toolNames: context.toolNames, structuredOutput: context.structuredOutput };
  let started = false;
  let finished = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  // A text part's signature carrier waits here until another block follows it (see
  // `thought-signature.ts`); one still waiting at `finish()` is dropped.
  let pendingCarrier: string | undefined;
  let latestUsage: GeminiUsageMetadata | undefined;
  let finishReason: string | undefined;
  let blockReason: string | undefined;
  let blockReasonMessage: string | undefined;
  let hasToolCalls = false;
  const toolUses: ToolUseContent[] = [];
  let hasVisibleOutput = false;
  let groundingMetadata: GeminiGroundingMetadata | undefined;

  /** Opens a block, after the pending carrier if there is one: the carrier precedes what follows it. */
  function startBlock(events: AnthropicStreamEvent[], block: ContentBlock): number {
    flushCarrier(events);
    return openBlock(events, block);
  }

  function openBlock(events: AnthropicStreamEvent[], block: ContentBlock): number {
    const index = nextIndex++;
    events.push({ type: "content_block_start", index, content_block: block });
    return index;
  }

  function flushCarrier(events: AnthropicStreamEvent[]): void {
    if (pendingCarrier === undefined) return;
    const index = openBlock(events, { type: "thinking", thinking: "", signature: "" });
    delta(events, index, { type: "signature_delta", signature: pendingCarrier });
    events.push({ type: "content_block_stop", index });
    pendingCarrier = undefined;
  }

  function delta(events: AnthropicStreamEvent[], index: number, value: ContentBlockDelta): void {
    events.push({ type: "content_block_delta", index, delta: value });
  }

  function closeOpen(events: AnthropicStreamEvent[], signature?: string): void {
    if (open === undefined) return;
    if (signature !== undefined) delta(events, open.index, { type: "signature_delta", signature });
    events.push({ type: "content_block_stop", index: open.index });
    open = undefined;
  }

  function emitTextBlock(events: AnthropicStreamEvent[], text: string): void {
    const index = startBlock(events, { type: "text", text: "" });
    delta(events, index, { type: "text_delta", text });
    events.push({ type: "content_block_stop", index });
  }

  /**
   * Grounding metadata arrives with the last chunks, after the answer text has streamed, so the
   * searches go out as whole blocks after the answer; citations are not streamed (a
   * `citations_delta` for text already sent would have to reopen a finished block). The
   * non-streaming message has the same search blocks before the answer and cited text.
   */
  function emitSearchBlocks(events: AnthropicStreamEvent[]): void {
    const grounding = convertGroundingToAnthropic(groundingMetadata, {
      generateId,
      domainFilter: context.webSearchDomainFilter,
    });
    warnings.push(...grounding.warnings);
    for (const block of grounding.value.searchBlocks) {
      if (block.type === "server_tool_use") {
        const index = startBlock(events, { ...block, input: {} as { query: string } });
        delta(events, index, { type: "input_json_delta", partial_json: JSON.stringify(block.input) });
        events.push({ type: "content_block_stop", index });
      } else {
        const index = startBlock(events, block);
        events.push({ type: "content_block_stop", index });
      }
    }
  }

  function translate(chunk: GeminiGenerateContentResponse, events: AnthropicStreamEvent[]): void {
    if (!started) {
      const usage = convertUsage(chunk.usageMetadata, context.cacheCreationInputTokens);
      events.push({
        type: "message_start",
        message: {
          id: `msg_${generateId()}`,
          type: "message",
          role: "assistant",
          model: context.requestedModel,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage,
        },
      });
      started = true;
    }
    if (chunk.usageMetadata) latestUsage = chunk.usageMetadata;
    if (chunk.promptFeedback?.blockReason) {
      blockReason = chunk.promptFeedback.blockReason;
      blockReasonMessage = chunk.promptFeedback.blockReasonMessage;
    }
    const candidate = chunk.candidates?.[0];
    if (candidate === undefined) return;
    for (const part of candidate.content?.parts ?? []) {
      const item = readResponsePart(part, partOptions);
      switch (item.kind) {
        case "thought": {
          if (open?.kind !== "thinking") {
            closeOpen(events);
            open = {
              kind: "thinking",
              index: startBlock(events, { type: "thinking", thinking: "", signature: "" }),
            };
          }
          if (context.showThinking && item.text !== "") {
            delta(events, open.index, { type: "thinking_delta", thinking: item.text });
          }
          if (item.signature !== undefined)
            closeOpen(events, encodeThinkingSignature("thought", item.signature, context.geminiModel));
          break;
        }
        case "text": {
          if (item.text !== "") {
            hasVisibleOutput = true;
            if (open?.kind !== "text") {
              closeOpen(events);
              open = { kind: "text", index: startBlock(events, { type: "text", text: "" }) };
            }
            delta(events, open.index, { type: "text_delta", text: item.text });
          }
          if (item.signature !== undefined) {
            const kind = open?.kind === "text" ? "text" : "empty";
            closeOpen(events);
            // An earlier carrier is followed by this one, so it goes out first.
            flushCarrier(events);
            pendingCarrier = encodeThinkingSignature(kind, item.signature, context.geminiModel);
          }
          break;
        }
        case "tool_call": {
          hasToolCalls = true;
          hasVisibleOutput = true;
          closeOpen(events);
          const id = encodeToolUseId(generateId(), item.signature, item.callId, context.geminiModel);
          toolUses.push({ type: "tool_use", id, name: item.name, input: item.input });
          const index = startBlock(events, { type: "tool_use", id, name: item.name, input: {} });
          // Gemini sends calls whole, so the arguments go out as one JSON delta.
          delta(events, index, { type: "input_json_delta", partial_json: JSON.stringify(item.input) });
          events.push({ type: "content_block_stop", index });
          break;
        }
        case "structured_output": {
          // Its own block: prose the model wrote around the call must not break the JSON.
          hasVisibleOutput = true;
          closeOpen(events);
          emitTextBlock(events, item.json);
          if (item.signature !== undefined)
            pendingCarrier = encodeThinkingSignature("text", item.signature, context.geminiModel);
          break;
        }
        case "server_tool_part": {
          closeOpen(events);
          const index = startBlock(events, { type: "thinking", thinking: "", signature: "" });
          delta(events, index, {
            type: "signature_delta",
            signature: encodeServerToolPart(item.part, context.geminiModel),
          });
          events.push({ type: "content_block_stop", index });
          break;
        }
        case "unsupported":
          dropped.push({ feature: `part:${item.field}`, message: item.warning });
          break;
        case "skip":
          break;
      }
    }
    if (candidate.finishMessage) warnings.push(`Gemini finish message: ${candidate.finishMessage}`);
    if (candidate.finishReason) finishReason = candidate.finishReason;
    if (candidate.groundingMetadata) groundingMetadata = candidate.groundingMetadata;
  }

  function fail(error: unknown): AnthropicStreamEvent[] {
    if (finished) return [];
    finished = true;
    let body: AnthropicErrorBody;
    try {
      body = mapError(error);
    } catch {
      // A broken mapper must not leave the client without an error event.
      body = defaultMapError(undefined);
    }
    return [body];
  }

  return {
    get started() {
      return started;
    },
    get finished() {
      return finished;
    },
    get warnings() {
      return warnings;
    },
    get complete() {
      return finishReason !== undefined || blockReason !== undefined;
    },
    get toolUses() {
      return toolUses;
    },
    get dropped() {
      return dropped;
    },
    push(chunk) {
      if (finished) return [];
      if (isErrorChunk(chunk)) return fail({ error: chunk.error });
      const events: AnthropicStreamEvent[] = [];
      try {
        translate(chunk, events);
      } catch (error) {
        // One bad chunk ends this stream with an error event, never the process.
        return [...events, ...fail(error)];
      }
      return events;
    },
    finish(addition) {
      if (finished) return [];
      if (finishReason === undefined && blockReason === undefined) {
        return fail(new Error("Gemini stream ended without a finish reason"));
      }
      finished = true;
      const events: AnthropicStreamEvent[] = [];
      closeOpen(events);
      // Gemini 3 checks only this turn's function-call signatures and a final answer ends the
      // turn, so this one is never checked; as the last block it would read as an empty answer.
      if (pendingCarrier !== undefined) {
        pendingCarrier = undefined;
        warnings.push(TRAILING_TEXT_SIGNATURE_WARNING);
      }
      emitSearchBlocks(events);
      const outcome = resolveResponseOutcome({
        finishReason,
        blockReason,
        blockReasonMessage,
        hasToolCalls,
        hasVisibleOutput,
      });
      warnings.push(...outcome.warnings);
      if (outcome.notice !== undefined) emitTextBlock(events, outcome.notice);
      const stopReason: StopReason = outcome.stopReason;
      const usage: Usage = convertUsage(latestUsage, context.cacheCreationInputTokens);
      const safeguardResults = addition?.safeguardResults;
      events.push({
        type: "message_delta",
        delta: {
          stop_reason: stopReason,
          stop_sequence: null,
          ...(safeguardResults !== undefined ? { safeguard_results: safeguardResults } : {}),
        },
        usage,
      });
      events.push({ type: "message_stop" });
      return events;
    },
    fail,
  };
}

function isErrorChunk(chunk: unknown): chunk is GeminiErrorChunk {
  if (typeof chunk !== "object" || chunk === null) return false;
  const error = (chunk as { error?: unknown }).error;
  return typeof error === "object" && error !== null;
}

function defaultMapError(error: unknown): AnthropicErrorBody {
  return { type: "error", error: { type: "api_error", message: describeError(error) } };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Gemini's own error body, as a mid-stream error chunk carries it.
  const message = (error as GeminiErrorChunk | undefined)?.error?.message;
  return typeof message === "string" && message !== "" ? message : "Upstream error";
}
