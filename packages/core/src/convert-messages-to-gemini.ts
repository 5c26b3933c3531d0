/**
 * Anthropic `messages[]` → Gemini `contents[]`.
 *
 * Gemini's turn rules (see the protocol brief, §3) are stricter than Anthropic's: only
 * `user` and `model` roles, a `model` turn with N function calls must be followed by a
 * `user` turn whose first N parts are the N responses in call order, and no empty parts.
 * Histories from real clients break these rules in small ways (missing or duplicated
 * results, `role: "system"` messages mid-conversation, blocks Gemini cannot take), so the
 * conversion runs in three passes: blocks → draft turns, merge and repair the turn order,
 * then pair every call turn with exactly one response per call.
 */
import type { MessageParam, ToolResultBlock } from "./anthropic-api.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import {
  type ConvertibleContentBlock,
  convertContentBlockToGemini,
} from "./convert-content-block-to-gemini.js";
import type { ToolNameMap } from "./convert-tool-name.js";
import { convertToolResultToGemini } from "./convert-tool-result-to-gemini.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type { GeminiContent, GeminiPart } from "./gemini-api.js";
import type { ModelCapabilities } from "./model-capabilities.js";
import {
  decodeServerToolPart,
  decodeThinkingSignature,
  decodeToolUseIdCallId,
  decodeToolUseIdModel,
  decodeToolUseIdSignature,
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
} from "./thought-signature.js";

export interface ConvertMessagesOptions {
  toolNames: ToolNameMap;
  capabilities: ModelCapabilities;
  /**
   * Anthropic names of the tools declared as Gemini functions. Calls in history to any other
   * tool (none declared, a server tool, a tool removed mid-session) and their results are sent
   * as text: a `functionCall` naming an undeclared function is not something to bet a request on.
   */
  declaredToolNames: ReadonlySet<string>;
  /**
   * The request sets `toolConfig.includeServerSideToolInvocations`, so server-side tool parts
   * carried in history (`thought-signature.ts`) go back to Gemini as they came; without it they
   * cannot be sent and are left out.
   */
  serverSideToolInvocations?: boolean;
  /**
   * The Gemini model this request goes to. Signatures are bound to the model that issued them:
   * one another model issued (a fallback, or a client that switched models mid-conversation) is
   * left out, with the thought or empty part that only carried it, and a model that validates
   * signatures gets the documented placeholder instead. Unset: every signature goes back.
   */
  geminiModel?: string;
  /**
   * The model presumed to have issued signatures of the first carrier format, which names none:
   * the model the client's model name maps to. Default {@link geminiModel}.
   */
  unnamedSignatureModel?: string;
}

/** Where converted parts, notes and dropped features of one conversion collect. */
interface Collected {
  warnings: string[];
  dropped: DroppedFeature[];
  /** Signatures left out because another model issued them. */
  foreignSignatures: number;
}

/** Whether a signature `issuer` issued (`undefined`: a first-format carrier) may not go to this request's model. */
function isForeign(issuer: string | undefined, options: ConvertMessagesOptions): boolean {
  if (options.geminiModel === undefined) return false;
  return (issuer ?? options.unnamedSignatureModel ?? options.geminiModel) !== options.geminiModel;
}

/** The text a first turn gets when history starts with the assistant: Gemini wants a user turn first. */
const LEADING_USER_TEXT = "(continue)";

/** The response sent for a call whose `tool_result` never came. */
const MISSING_RESULT_RESPONSE = { error: "No result was provided for this tool call." } as const;

interface ToolCall {
  id: string;
  /** The Anthropic tool name. */
  name: string;
  args: Record<string, unknown>;
  signature: string | undefined;
  /** Gemini's own `functionCall.id`, carried in the `tool_use` id. */
  callId: string | undefined;
}

type DraftItem =
  | { kind: "part"; part: GeminiPart }
  | { kind: "call"; call: ToolCall }
  | { kind: "result"; block: ToolResultBlock; path: string };

interface DraftTurn {
  role: "user" | "model";
  items: DraftItem[];
}

function toArgs(input: unknown): Record<string, unknown> {
  if (typeof input === "object" && input !== null && !Array.isArray(input))
    return input as Record<string, unknown>;
  // Gemini's `args` is a JSON object; anything else is wrapped so it still reaches the model.
  return input === undefined ? {} : { value: input };
}

/**
 * A `role: "system"` message (per-turn control) becomes user text wrapped in
 * `<system-reminder>` tags: Gemini has only user and model roles, and the system
 * instruction is one per request, so the text stays where the client put it and is marked
 * as coming from the system rather than from the person typing.
 */
function convertSystemMessage(message: MessageParam, path: string, collected: Collected): DraftItem[] {
  const texts: string[] = [];
  if (typeof message.content === "string") {
    texts.push(message.content);
  } else {
    message.content.forEach((block, index) => {
      if (block.type === "text") texts.push(block.text);
      else {
        collected.dropped.push({
          feature: `block:${block.type}`,
          message: `${path}.content.${index}: a ${block.type} block in a system message was dropped.`,
        });
      }
    });
  }
  const text = texts.filter((value) => value.trim()).join("\n\n");
  return text ? [{ kind: "part", part: { text: `<system-reminder>\n${text}\n</system-reminder>` } }] : [];
}

/** A message whose content is a bare string: one text part, none when empty (Gemini rejects empty parts). */
function convertStringContent(content: string): DraftItem[] {
  return content ? [{ kind: "part", part: { text: content } }] : [];
}

/** A block that needs no turn around it (text, image, document…) becomes plain parts, in either role. */
function convertPlainBlock(
  block: ConvertibleContentBlock,
  blockPath: string,
  options: ConvertMessagesOptions,
  collected: Collected,
): DraftItem[] {
  const converted = convertContentBlockToGemini(block, {
    path: blockPath,
    toolName: options.toolNames.toGemini,
  });
  collected.warnings.push(...converted.warnings);
  collected.dropped.push(...converted.dropped);
  return converted.value.map((part) => ({ kind: "part", part }));
}

function dropMisplacedBlock(collected: Collected, type: string, blockPath: string, role: string): void {
  collected.dropped.push({
    feature: `block:${type}`,
    message: `${blockPath}: a ${type} block in ${role} message was dropped.`,
  });
}

function convertUserMessage(
  message: MessageParam,
  path: string,
  options: ConvertMessagesOptions,
  collected: Collected,
): DraftItem[] {
  if (typeof message.content === "string") return convertStringContent(message.content);
  const items: DraftItem[] = [];
  message.content.forEach((block, index) => {
    const blockPath = `${path}.content.${index}`;
    switch (block.type) {
      case "tool_result":
        items.push({ kind: "result", block, path: blockPath });
        return;
      case "tool_use":
      case "thinking":
        dropMisplacedBlock(collected, block.type, blockPath, "a user");
        return;
      default:
        items.push(...convertPlainBlock(block, blockPath, options, collected));
    }
  });
  return items;
}

/** Whether an assistant message carries server-side tool parts this model may take back (`kind: "server"` thinking carriers). */
function carriesServerToolParts(content: MessageParam["content"], options: ConvertMessagesOptions): boolean {
  if (typeof content === "string") return false;
  return content.some((block) => {
    if (block.type !== "thinking") return false;
    const decoded = decodeThinkingSignature(block.signature);
    return decoded?.kind === "server" && !isForeign(decoded.model, options);
  });
}

function convertAssistantMessage(
  message: MessageParam,
  path: string,
  options: ConvertMessagesOptions,
  collected: Collected,
): DraftItem[] {
  if (typeof message.content === "string") return convertStringContent(message.content);
  const items: DraftItem[] = [];
  const { warnings } = collected;
  // With the raw server-side tool parts going back, the web search blocks shown to the client
  // would tell the model twice what it searched.
  const sendsServerToolParts =
    options.serverSideToolInvocations === true && carriesServerToolParts(message.content, options);
  // The text part a `p` (text) carrier's signature belongs to: only the block right before it counts.
  let previousTextPart: GeminiPart | undefined;
  message.content.forEach((block, index) => {
    const blockPath = `${path}.content.${index}`;
    const textPartBefore = previousTextPart;
    previousTextPart = undefined;
    switch (block.type) {
      case "text": {
        if (!block.text) return;
        const part: GeminiPart = { text: block.text };
        items.push({ kind: "part", part });
        previousTextPart = part;
        return;
      }
      case "thinking": {
        const decoded = decodeThinkingSignature(block.signature);
        if (!decoded) {
          warnings.push(
            `${blockPath}: a thinking block without a Gemini signature was dropped (thinking from another model is not re-sent).`,
          );
          return;
        }
        if (isForeign(decoded.model, options)) {
          // Bound to the model that issued it: a thought, a carrier or a server part (whose
          // search the web search blocks still show) says nothing this model may take back.
          collected.foreignSignatures++;
          return;
        }
        if (decoded.kind === "server") {
          const part = decodeServerToolPart(decoded.signature);
          if (part === undefined) {
            warnings.push(`${blockPath}: a damaged server-side tool carrier was dropped.`);
          } else if (options.serverSideToolInvocations === true) {
            items.push({ kind: "part", part });
          } else {
            warnings.push(
              `${blockPath}: a server-side tool part was left out; this request does not combine built-in tools with functions.`,
            );
          }
        } else if (decoded.kind === "thought") {
          items.push({
            kind: "part",
            part: { text: block.thinking, thought: true, thoughtSignature: decoded.signature },
          });
        } else if (
          decoded.kind === "text" &&
          textPartBefore &&
          textPartBefore.thoughtSignature === undefined
        ) {
          textPartBefore.thoughtSignature = decoded.signature;
        } else {
          items.push({ kind: "part", part: { text: "", thoughtSignature: decoded.signature } });
        }
        return;
      }
      case "tool_use": {
        let signature = decodeToolUseIdSignature(block.id);
        if (signature !== undefined && isForeign(decodeToolUseIdModel(block.id), options)) {
          collected.foreignSignatures++;
          signature = undefined;
        }
        items.push({
          kind: "call",
          call: {
            id: block.id,
            name: block.name,
            args: toArgs(block.input),
            signature,
            callId: decodeToolUseIdCallId(block.id),
          },
        });
        return;
      }
      case "tool_result":
        dropMisplacedBlock(collected, block.type, blockPath, "an assistant");
        return;
      case "server_tool_use":
      case "web_search_tool_result":
        if (sendsServerToolParts) return;
        items.push(...convertPlainBlock(block, blockPath, options, collected));
        return;
      default:
        items.push(...convertPlainBlock(block, blockPath, options, collected));
    }
  });
  return items;
}

/** Pass 1 and 2: draft turns, empty ones dropped, same roles merged, a user turn first. */
function buildTurns(
  messages: readonly MessageParam[],
  options: ConvertMessagesOptions,
  collected: Collected,
): DraftTurn[] {
  const turns: DraftTurn[] = [];
  messages.forEach((message, index) => {
    const path = `messages.${index}`;
    const role = message.role === "assistant" ? "model" : "user";
    const items =
      message.role === "system"
        ? convertSystemMessage(message, path, collected)
        : message.role === "user"
          ? convertUserMessage(message, path, options, collected)
          : convertAssistantMessage(message, path, options, collected);
    if (items.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.items.push(...items);
    else turns.push({ role, items });
  });
  if (turns[0]?.role === "model") {
    turns.unshift({ role: "user", items: [{ kind: "part", part: { text: LEADING_USER_TEXT } }] });
  }
  return turns;
}

interface CallHistory {
  /** Anthropic tool name of every call in history, by `tool_use` id. */
  namesById: Map<string, string>;
  /** Ids of calls sent as text because their tool is not declared. */
  textCallIds: Set<string>;
}

/** Pass 3 for one user turn: one response per call of the model turn before, in call order, then the rest. */
function buildUserParts(
  items: readonly DraftItem[],
  calls: readonly ToolCall[],
  history: CallHistory,
  options: ConvertMessagesOptions,
  collected: Collected,
): GeminiPart[] {
  const { warnings } = collected;
  const responses: GeminiPart[] = [];
  const attachments: GeminiPart[] = [];
  const consumed = new Set<DraftItem>();
  const answeredIds = new Set(calls.map((call) => call.id));
  const supportsFunctionResponseParts = options.capabilities.supportsFunctionResponseParts;

  for (const call of calls) {
    const functionName = options.toolNames.toGemini(call.name);
    const match = items.find(
      (item) => item.kind === "result" && item.block.tool_use_id === call.id && !consumed.has(item),
    );
    if (match?.kind !== "result") {
      warnings.push(
        `The tool call ${call.id} (${call.name}) has no tool_result; a placeholder error response was sent.`,
      );
      const functionResponse: GeminiPart["functionResponse"] = {
        name: functionName,
        response: { ...MISSING_RESULT_RESPONSE },
      };
      if (call.callId !== undefined) functionResponse.id = call.callId;
      responses.push({ functionResponse });
      continue;
    }
    consumed.add(match);
    const converted = convertToolResultToGemini(match.block, {
      functionName,
      callId: call.callId,
      supportsFunctionResponseParts,
      path: match.path,
      toolName: options.toolNames.toGemini,
    });
    warnings.push(...converted.warnings);
    collected.dropped.push(...converted.dropped);
    responses.push({ functionResponse: converted.value.functionResponse });
    attachments.push(...converted.value.attachments);
  }

  const rest: GeminiPart[] = [];
  for (const item of items) {
    if (item.kind === "part") {
      rest.push(item.part);
    } else if (item.kind === "result" && !consumed.has(item)) {
      const id = item.block.tool_use_id;
      if (answeredIds.has(id)) {
        warnings.push(`${item.path}: a second tool_result for ${id} was dropped; the first one was sent.`);
        continue;
      }
      // A result whose call is not in the model turn right before cannot be a functionResponse.
      const name = history.namesById.get(id);
      if (!history.textCallIds.has(id)) {
        warnings.push(
          `${item.path}: the tool_result for ${id} matches no call in the previous turn; it was sent as text.`,
        );
      }
      const converted = convertToolResultToGemini(item.block, {
        functionName: name ? options.toolNames.toGemini(name) : "unknown",
        supportsFunctionResponseParts: false,
        path: item.path,
        toolName: options.toolNames.toGemini,
      });
      warnings.push(...converted.warnings);
      collected.dropped.push(...converted.dropped);
      const kind = item.block.is_error ? "Error from tool call" : "Result of tool call";
      const response = converted.value.functionResponse.response ?? {};
      const text = String(item.block.is_error ? response.error : response.output);
      rest.push({ text: `${kind} ${id}${name ? ` (${name})` : ""}:${text ? `\n${text}` : " (no text)"}` });
      rest.push(...converted.value.attachments);
    }
  }
  return [...responses, ...attachments, ...rest];
}

/**
 * Converts Anthropic messages into Gemini contents that satisfy Gemini's turn rules.
 *
 * Choices where Anthropic and Gemini disagree:
 * - `role: "system"` messages become `<system-reminder>` user text, merged into the user turn
 *   they sit next to; they never leave their place in the conversation.
 * - History that starts with the assistant gets a leading user turn "(continue)".
 * - A call without a result gets an `{error}` placeholder response; a result without a call in the
 *   model turn right before is sent as text; a second result for one call is dropped.
 * - Calls to tools that are not declared (no tools, server tools, tools removed mid-session) and
 *   their results are sent as text.
 * - Signatures another Gemini model issued (`options.geminiModel`) are left out.
 * - Models that validate thought signatures get `skip_thought_signature_validator` on the first
 *   call of a model turn that carries no signature (history from another model or a client that
 *   rewrote ids).
 *
 * @throws InvalidRequestError when no message has any content left to send.
 */
export function convertMessagesToGemini(
  messages: readonly MessageParam[],
  options: ConvertMessagesOptions,
): { value: GeminiContent[]; warnings: string[]; dropped: DroppedFeature[] } {
  const collected: Collected = { warnings: [], dropped: [], foreignSignatures: 0 };
  const { warnings } = collected;
  const turns = buildTurns(messages, options, collected);
  if (turns.length === 0) {
    throw new InvalidRequestError("messages: at least one message must have non-empty content.", {
      path: "messages",
    });
  }
  const history: CallHistory = { namesById: new Map(), textCallIds: new Set() };
  const undeclaredNames = new Set<string>();
  for (const turn of turns) {
    for (const item of turn.items) {
      if (item.kind !== "call") continue;
      history.namesById.set(item.call.id, item.call.name);
      if (!options.declaredToolNames.has(item.call.name)) {
        history.textCallIds.add(item.call.id);
        undeclaredNames.add(item.call.name);
      }
    }
  }

  const contents: GeminiContent[] = [];
  let pendingCalls: ToolCall[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.role === "user") {
      contents.push({
        role: "user",
        parts: buildUserParts(turn.items, pendingCalls, history, options, collected),
      });
      pendingCalls = [];
      continue;
    }

    const parts: GeminiPart[] = [];
    const calls: ToolCall[] = [];
    for (const item of turn.items) {
      if (item.kind === "part") {
        parts.push(item.part);
      } else if (item.kind === "call" && history.textCallIds.has(item.call.id)) {
        const input = JSON.stringify(item.call.args);
        parts.push({
          text: `[Called tool "${item.call.name}" with input ${input}; the tool is not declared in this request]`,
        });
      } else if (item.kind === "call") {
        calls.push(item.call);
        const functionCall: GeminiPart["functionCall"] = {
          name: options.toolNames.toGemini(item.call.name),
          args: item.call.args,
        };
        if (item.call.callId !== undefined) functionCall.id = item.call.callId;
        const part: GeminiPart = { functionCall };
        if (item.call.signature) part.thoughtSignature = item.call.signature;
        parts.push(part);
      }
    }
    if (options.capabilities.requiresThoughtSignatures) {
      const firstCall = parts.find((part) => part.functionCall);
      if (firstCall && !firstCall.thoughtSignature)
        firstCall.thoughtSignature = SKIP_THOUGHT_SIGNATURE_VALIDATOR;
    }
    contents.push({ role: "model", parts });
    pendingCalls = calls;
    // Calls at the very end of history still need their responses.
    if (calls.length > 0 && turns[index + 1] === undefined) {
      contents.push({ role: "user", parts: buildUserParts([], calls, history, options, collected) });
      pendingCalls = [];
    }
  }

  for (const name of undeclaredNames) {
    warnings.push(
      `The tool "${name}" is called in history but not declared; its calls and results were sent as text.`,
    );
  }
  if (collected.foreignSignatures > 0) {
    warnings.push(
      `${collected.foreignSignatures} thought signature(s) issued by another Gemini model were left out: this request goes to ${options.geminiModel}.`,
    );
  }
  return { value: contents, warnings, dropped: collected.dropped };
}
