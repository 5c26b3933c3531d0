import type { GeminiPart } from "./gemini-api.js";

/** One Gemini response part, reduced to what the Anthropic side can express. */
export type ResponsePartItem =
  | { kind: "thought"; text: string; signature: string | undefined }
  | { kind: "text"; text: string; signature: string | undefined }
  | { kind: "tool_call"; name: string; input: Record<string, unknown>; signature: string | undefined }
  /** Nothing to say: an empty text part without a signature. */
  | { kind: "skip" }
  /** A part Anthropic cannot carry (code execution, generated images…): dropped with this warning. */
  | { kind: "unsupported"; warning: string };

/** Part fields we cannot express, in the order we name them in a warning. */
const UNSUPPORTED_FIELDS = [
  "executableCode",
  "codeExecutionResult",
  "inlineData",
  "fileData",
  "functionResponse",
  "toolCall",
  "toolResponse",
  "audioTranscription",
] as const satisfies readonly (keyof GeminiPart)[];

/**
 * Classifies one Gemini part for the response converters. The message converter and the
 * stream translator share it so a streamed response always rebuilds to the same message as
 * the non-streaming one. `toolNames` maps Gemini function names back to the client's tool names.
 */
export function readResponsePart(part: GeminiPart, toolNames: ReadonlyMap<string, string>): ResponsePartItem {
  const signature =
    typeof part.thoughtSignature === "string" && part.thoughtSignature !== ""
      ? part.thoughtSignature
      : undefined;
  const call = part.functionCall;
  if (call) {
    if (typeof call.name !== "string" || call.name === "") {
      return { kind: "unsupported", warning: "Dropped a Gemini functionCall part without a name." };
    }
    const args = call.args;
    const input =
      typeof args === "object" && args !== null && !Array.isArray(args)
        ? (args as Record<string, unknown>)
        : {};
    return { kind: "tool_call", name: toolNames.get(call.name) ?? call.name, input, signature };
  }
  const unsupported = UNSUPPORTED_FIELDS.find((field) => part[field] !== undefined && part[field] !== null);
  if (unsupported) {
    const lost = signature ? " (its thought signature is lost)" : "";
    return {
      kind: "unsupported",
      warning: `Dropped a Gemini ${unsupported} part: an Anthropic message cannot carry it${lost}.`,
    };
  }
  const text = typeof part.text === "string" ? part.text : "";
  if (text === "" && signature === undefined) return { kind: "skip" };
  return { kind: part.thought === true ? "thought" : "text", text, signature };
}
