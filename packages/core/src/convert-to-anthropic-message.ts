import { addGroundingCitations } from "./add-grounding-citations.js";
import type { AnthropicMessage, ContentBlock, TextContent, ThinkingContent } from "./anthropic-api.js";
import type { ConversionContext } from "./conversion-context.js";
import { convertGroundingToAnthropic } from "./convert-grounding-to-anthropic.js";
import { convertUsage } from "./convert-usage.js";
import type { IdGenerator } from "./create-id-generator.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type { GeminiGenerateContentResponse } from "./gemini-api.js";
import { readResponsePart } from "./read-response-part.js";
import { resolveResponseOutcome } from "./resolve-response-outcome.js";
import {
  encodeServerToolPart,
  encodeThinkingSignature,
  encodeToolUseId,
  TRAILING_TEXT_SIGNATURE_WARNING,
} from "./thought-signature.js";

/** What the response side needs: the request's context and a source of ids. */
export interface ConvertResponseOptions {
  context: ConversionContext;
  generateId: IdGenerator;
}

/**
 * Converts a whole (non-streaming) Gemini response into an Anthropic message.
 *
 * Only the first candidate is read; its parts keep their order. Thought parts become
 * `thinking` blocks (text hidden unless `context.showThinking`), consecutive parts of the same
 * kind merge, and a part that carries a thought signature closes its block: a thought's
 * signature stays on its `thinking` block, a text part's signature goes in an empty `thinking`
 * block placed before the next block (dropped with a warning when nothing follows, so the
 * answer text stays the last block), and a call's signature rides in the `tool_use` id (see
 * `thought-signature.ts`). A call of the structured-output function becomes a text block of its
 * own holding the JSON answer. Server-side tool parts (`toolCall` / `toolResponse`) ride in
 * empty `thinking` blocks at their place. Parts Anthropic cannot carry (code execution, images)
 * are dropped and reported in `dropped`. Grounding metadata (web search) adds `server_tool_use` /
 * `web_search_tool_result` blocks before the answer and `citations` on the text (see
 * `convert-grounding-to-anthropic.ts`).
 * A response that stopped for a reason the client should hear about (refusal,
 * invalid tool call, nothing produced) ends with a text block saying so.
 *
 * @example
 * const { value } = convertToAnthropicMessage(response, { context, generateId });
 * value.stop_reason; // "tool_use" when the candidate holds function calls
 */
export function convertToAnthropicMessage(
  response: GeminiGenerateContentResponse,
  options: ConvertResponseOptions,
): { value: AnthropicMessage; warnings: string[]; dropped: DroppedFeature[] } {
  const { context, generateId } = options;
  const id = `msg_${generateId()}`;
  const warnings: string[] = [];
  const dropped: DroppedFeature[] = [];
  const partOptions = { toolNames: context.toolNames, structuredOutput: context.structuredOutput };
  const candidates = response.candidates ?? [];
  if (candidates.length > 1)
    warnings.push(`Gemini returned ${candidates.length} candidates; only the first is used.`);
  const candidate = candidates[0];

  let content: ContentBlock[] = [];
  // The block later parts may still merge into; `undefined` once a signature or another kind closed it.
  let open: TextContent | ThinkingContent | undefined;
  // A text part's signature carrier waits here until another block follows it (see
  // `thought-signature.ts`); one still waiting when the parts run out is dropped.
  let pendingCarrier: ThinkingContent | undefined;
  let hasToolCalls = false;
  let hasVisibleOutput = false;

  function pushBlock(block: ContentBlock): void {
    if (pendingCarrier !== undefined) content.push(pendingCarrier);
    pendingCarrier = undefined;
    content.push(block);
  }

  for (const part of candidate?.content?.parts ?? []) {
    const item = readResponsePart(part, partOptions);
    switch (item.kind) {
      case "thought": {
        if (open?.type !== "thinking") {
          open = { type: "thinking", thinking: "", signature: "" };
          pushBlock(open);
        }
        if (context.showThinking) open.thinking += item.text;
        if (item.signature !== undefined) {
          open.signature = encodeThinkingSignature("thought", item.signature, context.geminiModel);
          open = undefined;
        }
        break;
      }
      case "text": {
        if (item.text !== "") {
          hasVisibleOutput = true;
          if (open?.type !== "text") {
            open = { type: "text", text: "" };
            pushBlock(open);
          }
          open.text += item.text;
        }
        if (item.signature !== undefined) {
          const kind = open?.type === "text" ? "text" : "empty";
          // An earlier carrier is followed by this one, so it goes out first.
          if (pendingCarrier !== undefined) content.push(pendingCarrier);
          pendingCarrier = {
            type: "thinking",
            thinking: "",
            signature: encodeThinkingSignature(kind, item.signature, context.geminiModel),
          };
          open = undefined;
        }
        break;
      }
      case "tool_call": {
        hasToolCalls = true;
        hasVisibleOutput = true;
        open = undefined;
        pushBlock({
          type: "tool_use",
          id: encodeToolUseId(generateId(), item.signature, item.callId, context.geminiModel),
          name: item.name,
          input: item.input,
        });
        break;
      }
      case "structured_output": {
        // Its own block: prose the model wrote around the call must not break the JSON.
        hasVisibleOutput = true;
        open = undefined;
        pushBlock({ type: "text", text: item.json });
        if (item.signature !== undefined) {
          pendingCarrier = {
            type: "thinking",
            thinking: "",
            signature: encodeThinkingSignature("text", item.signature, context.geminiModel),
          };
        }
        break;
      }
      case "server_tool_part":
        open = undefined;
        pushBlock({
          type: "thinking",
          thinking: "",
          signature: encodeServerToolPart(item.part, context.geminiModel),
        });
        break;
      case "unsupported":
        dropped.push({ feature: `part:${item.field}`, message: item.warning });
        break;
      case "skip":
        break;
    }
  }

  // Gemini 3 checks only this turn's function-call signatures and a final answer ends the turn,
  // so a trailing carrier is never checked; as the last block it would read as an empty answer.
  if (pendingCarrier !== undefined) warnings.push(TRAILING_TEXT_SIGNATURE_WARNING);

  // Web search grounding: the searches go before the answer (after leading thinking), as Anthropic
  // orders them, and the answer text is split into cited blocks.
  const grounding = convertGroundingToAnthropic(candidate?.groundingMetadata, {
    generateId,
    domainFilter: context.webSearchDomainFilter,
  });
  warnings.push(...grounding.warnings);
  const cited = addGroundingCitations(content, grounding.value.spans);
  warnings.push(...cited.warnings);
  content = cited.value;
  const answerStart = content.findIndex((block) => block.type !== "thinking");
  content.splice(answerStart < 0 ? content.length : answerStart, 0, ...grounding.value.searchBlocks);

  if (candidate?.finishMessage) warnings.push(`Gemini finish message: ${candidate.finishMessage}`);
  const outcome = resolveResponseOutcome({
    finishReason: candidate?.finishReason,
    blockReason: response.promptFeedback?.blockReason,
    blockReasonMessage: response.promptFeedback?.blockReasonMessage,
    hasToolCalls,
    hasVisibleOutput,
  });
  warnings.push(...outcome.warnings);
  if (outcome.notice !== undefined) content.push({ type: "text", text: outcome.notice });

  return {
    value: {
      id,
      type: "message",
      role: "assistant",
      model: context.requestedModel,
      content,
      stop_reason: outcome.stopReason,
      // Gemini strips a matched stop sequence and never says which one hit, so a `STOP` is
      // reported as `end_turn` even when the client set `stop_sequences`.
      stop_sequence: null,
      usage: convertUsage(response.usageMetadata, context.cacheCreationInputTokens),
    },
    warnings,
    dropped,
  };
}
