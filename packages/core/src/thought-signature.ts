/**
 * How Gemini thought signatures survive a round trip through an Anthropic client.
 *
 * Gemini wants every `thoughtSignature` back on the part it came on, and Gemini 3 rejects a
 * step whose first `functionCall` lost its signature. Anthropic has no field for that on
 * `tool_use`, but clients echo two things verbatim: tool-use ids and `thinking` signatures.
 *
 * - A signature on a `functionCall` rides in the `tool_use` id:
 *   `toolu_<random>__gm1_<base64url(model)>__gs1_<base64url(signature)>`. Ids are echoed in
 *   history and in every `tool_result.tool_use_id`, so they survive even when a client strips
 *   thinking blocks.
 * - A signature on a thought part rides in that `thinking` block's `signature`.
 * - A signature on a text part rides in an empty `thinking` block (`kind: "text"` when it
 *   belongs to the text block before it, `kind: "empty"` when the part had no text). The
 *   carrier is held back and goes out right before the next block of the same message (a
 *   thought, a tool call, more text), so a Gemini 3 step with text and a call keeps it ahead of
 *   the `tool_use`. A carrier that nothing follows is dropped: Gemini 3 validates only the
 *   function-call signatures of the current turn, and a final text answer ends the turn, so the
 *   next request starts a new one and never checks it. Keeping it would make it the last
 *   block, and clients that take the last block as the answer (Claude Code's `result`) would
 *   show an empty answer.
 *
 * - The id Gemini gave a `functionCall` (Gemini 3 does, and with server-side tool invocations
 *   the `functionResponse` must repeat it) rides in the `tool_use` id too:
 *   `toolu_<random>__gi1_<base64url(id)>__gm1_…__gs1_…`.
 * - A server-side tool part (`toolCall` / `toolResponse`, when Gemini ran Google Search or URL
 *   context next to functions) must go back exactly as received, signature included. The whole
 *   part rides as base64url JSON in an empty `thinking` block (`kind: "server"`) at its place
 *   among the blocks; the search itself is shown to the client by the usual web search blocks
 *   made from the grounding metadata.
 *
 * Thinking signatures are `cgm2.<kind>.<base64url(model)>.<signature>`; anything else (a
 * signature made by Anthropic, or edited history) is not ours and is not sent to Gemini.
 *
 * Signatures are bound to the Gemini model that issued them, so every carrier names that model
 * (`__gm1_` in ids, the third field of `cgm2.`): a request converted for another model (a
 * fallback, or a client that switched models mid-conversation) leaves them out instead of
 * sending what that model would refuse. Carriers of the first format (`cgm1.<kind>.<signature>`,
 * ids without `__gm1_`) stay readable; they name no model (`model: undefined`).
 */
import { decodeBase64Url, encodeBase64Url } from "./encode-base64-url.js";
import type { GeminiPart } from "./gemini-api.js";

/** Gemini's documented placeholder for calls that never had a signature. */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = "skip_thought_signature_validator";

/**
 * Warning of the response converters when a message ends with a text part's signature: it is
 * dropped rather than left as an empty last block (see this file's header for why that is safe).
 */
export const TRAILING_TEXT_SIGNATURE_WARNING =
  "Dropped a trailing text-part thought signature: Gemini does not validate signatures on a final text answer.";

const TOOL_USE_PREFIX = "toolu_";
const TOOL_USE_SIGNATURE_MARK = "__gs1_";
const TOOL_USE_CALL_ID_MARK = "__gi1_";
const TOOL_USE_MODEL_MARK = "__gm1_";
/** The first format, without the issuing model; still read. */
const LEGACY_THINKING_PREFIX = "cgm1.";
const THINKING_PREFIX = "cgm2.";

/** Which Gemini part a thinking-block signature belongs to; `server` carries a whole server-side tool part. */
export type SignatureCarrierKind = "thought" | "text" | "empty" | "server";

const KIND_CODES = { thought: "t", text: "p", empty: "e", server: "s" } as const satisfies Record<
  SignatureCarrierKind,
  string
>;

function toBase64Url(base64: string): string {
  let end = base64.length;
  while (end > 0 && base64[end - 1] === "=") end--;
  let out = "";
  for (let index = 0; index < end; index++) {
    const char = base64[index]!;
    out += char === "+" ? "-" : char === "/" ? "_" : char;
  }
  return out;
}

function fromBase64Url(value: string): string {
  let out = "";
  for (const char of value) out += char === "-" ? "+" : char === "_" ? "/" : char;
  while (out.length % 4 !== 0) out += "=";
  return out;
}

/**
 * Builds a `tool_use` id from a random part and, when Gemini sent them, the call's signature
 * (with the model that issued it) and the call's own id.
 */
export function encodeToolUseId(
  randomPart: string,
  signature?: string | null,
  callId?: string | null,
  model?: string,
): string {
  let id = `${TOOL_USE_PREFIX}${randomPart}`;
  if (callId) id += `${TOOL_USE_CALL_ID_MARK}${encodeBase64Url(callId)}`;
  if (signature && model) id += `${TOOL_USE_MODEL_MARK}${encodeBase64Url(model)}`;
  if (signature) id += `${TOOL_USE_SIGNATURE_MARK}${toBase64Url(signature)}`;
  return id;
}

/** Recovers the signature a `tool_use` id carries, if it was made by {@link encodeToolUseId}. */
export function decodeToolUseIdSignature(id: string): string | undefined {
  const mark = id.indexOf(TOOL_USE_SIGNATURE_MARK);
  if (!id.startsWith(TOOL_USE_PREFIX) || mark < 0) return undefined;
  const encoded = id.slice(mark + TOOL_USE_SIGNATURE_MARK.length);
  return encoded.length > 0 && /^[A-Za-z0-9_-]+$/.test(encoded) ? fromBase64Url(encoded) : undefined;
}

/**
 * The Gemini model that issued the signature a `tool_use` id carries; `undefined` for ids of
 * the first format, which did not record it.
 */
export function decodeToolUseIdModel(id: string): string | undefined {
  return readIdField(id, TOOL_USE_MODEL_MARK);
}

/** Recovers the Gemini `functionCall.id` a `tool_use` id carries, if it was made by {@link encodeToolUseId}. */
export function decodeToolUseIdCallId(id: string): string | undefined {
  return readIdField(id, TOOL_USE_CALL_ID_MARK);
}

/** A base64url field of a `tool_use` id, from its mark up to the next mark. */
function readIdField(id: string, mark: string): string | undefined {
  const at = id.indexOf(mark);
  if (!id.startsWith(TOOL_USE_PREFIX) || at < 0) return undefined;
  const start = at + mark.length;
  const ends = [TOOL_USE_MODEL_MARK, TOOL_USE_SIGNATURE_MARK]
    .map((next) => id.indexOf(next, start))
    .filter((index) => index >= 0);
  const encoded = id.slice(start, ends.length > 0 ? Math.min(...ends) : undefined);
  const decoded = encoded.length > 0 ? decodeBase64Url(encoded) : undefined;
  return decoded === "" ? undefined : decoded;
}

/** Wraps a server-side tool part (`toolCall` / `toolResponse`, signature included) for a `thinking` block's `signature`. */
export function encodeServerToolPart(part: GeminiPart, model?: string): string {
  return encodeThinkingSignature("server", encodeBase64Url(JSON.stringify(part)), model);
}

/**
 * Unwraps the payload of a `server` carrier (what {@link decodeThinkingSignature} returns as
 * `signature`) into the part it carries; `undefined` unless it is a `toolCall` or `toolResponse` part.
 */
export function decodeServerToolPart(payload: string): GeminiPart | undefined {
  const json = decodeBase64Url(payload);
  if (json === undefined) return undefined;
  let part: unknown;
  try {
    part = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof part !== "object" || part === null || Array.isArray(part)) return undefined;
  const { toolCall, toolResponse } = part as GeminiPart;
  const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
  return isObject(toolCall) !== isObject(toolResponse) ? (part as GeminiPart) : undefined;
}

/**
 * Wraps a Gemini signature for a `thinking` block's `signature` field, naming the model that
 * issued it (without `model`, the first format, which names none).
 */
export function encodeThinkingSignature(
  kind: SignatureCarrierKind,
  signature: string,
  model?: string,
): string {
  if (model === undefined || model === "") return `${LEGACY_THINKING_PREFIX}${KIND_CODES[kind]}.${signature}`;
  return `${THINKING_PREFIX}${KIND_CODES[kind]}.${encodeBase64Url(model)}.${signature}`;
}

/**
 * Unwraps a `thinking` block signature made by {@link encodeThinkingSignature}: its kind, the
 * Gemini signature (or server part) it carries, and the model that issued it (`undefined` for
 * the first format).
 */
export function decodeThinkingSignature(
  value: string | null | undefined,
): { kind: SignatureCarrierKind; signature: string; model?: string } | undefined {
  const legacy = value?.startsWith(LEGACY_THINKING_PREFIX) === true;
  if (!value || (!legacy && !value.startsWith(THINKING_PREFIX))) return undefined;
  const prefixLength = THINKING_PREFIX.length;
  const code = value.slice(prefixLength, prefixLength + 1);
  if (value[prefixLength + 1] !== ".") return undefined;
  const kind = (Object.keys(KIND_CODES) as SignatureCarrierKind[]).find((key) => KIND_CODES[key] === code);
  if (kind === undefined) return undefined;
  const rest = value.slice(prefixLength + 2);
  if (legacy) return rest.length > 0 ? { kind, signature: rest } : undefined;
  const dot = rest.indexOf(".");
  const model = dot > 0 ? decodeBase64Url(rest.slice(0, dot)) : undefined;
  const signature = rest.slice(dot + 1);
  if (model === undefined || model === "" || signature.length === 0) return undefined;
  return { kind, signature, model };
}
