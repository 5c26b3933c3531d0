import type { GeminiPart } from "./gemini-api.js";

/** One Gemini response part, reduced to what the Anthropic side can express. */
export type ResponsePartItem =
  | { kind: "thought"; text: string; signature: string | undefined }
  | { kind: "text"; text: string; signature: string | undefined }
  | {
      kind: "tool_call";
      name: string;
      input: Record<string, unknown>;
      signature: string | undefined;
      /** `functionCall.id`, when Gemini gave one. */
      callId: string | undefined;
    }
  /**
   * A call of the function that carries structured output (`convert-output-format.ts`): its
   * arguments are the JSON answer, returned to the client as text.
   */
  | { kind: "structured_output"; json: string; signature: string | undefined }
  /** A server-side tool part (`toolCall` / `toolResponse`) that must go back to Gemini exactly as received. */
  | { kind: "server_tool_part"; part: GeminiPart }
  /** Nothing to say: an empty text part without a signature. */
  | { kind: "skip" }
  /** A part Anthropic cannot carry (code execution, generated images…): dropped with this warning. */
  | { kind: "unsupported"; field: string; warning: string };

/**
 * The first part field we cannot express, in the order a warning names them. Six named reads
 * rather than a loop over the names: a read by computed name sees six names at one place and
 * goes megamorphic, which a 200-chunk stream paid on every part (`perf`, issue 15).
 */
function findUnsupportedField(part: GeminiPart): keyof GeminiPart | undefined {
  if (part.executableCode != null) return "executableCode";
  if (part.codeExecutionResult != null) return "codeExecutionResult";
  if (part.inlineData != null) return "inlineData";
  if (part.fileData != null) return "fileData";
  if (part.functionResponse != null) return "functionResponse";
  if (part.audioTranscription != null) return "audioTranscription";
  return undefined;
}

/** What {@link readResponsePart} needs from the request's conversion. */
export interface ReadResponsePartOptions {
  /** Gemini function name → the client's tool name. */
  toolNames: ReadonlyMap<string, string>;
  /** The function that carries structured output, when the request declared one. */
  structuredOutput?: { functionName: string; wrapped: boolean };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Classifies one Gemini part for the response converters. The message converter and the
 * stream translator share it so a streamed response always rebuilds to the same message as
 * the non-streaming one.
 */
export function readResponsePart(part: GeminiPart, options: ReadResponsePartOptions): ResponsePartItem {
  const signature =
    typeof part.thoughtSignature === "string" && part.thoughtSignature !== ""
      ? part.thoughtSignature
      : undefined;
  const call = part.functionCall;
  if (call) {
    if (typeof call.name !== "string" || call.name === "") {
      return {
        kind: "unsupported",
        field: "functionCall",
        warning: "Dropped a Gemini functionCall part without a name.",
      };
    }
    const input = isRecord(call.args) ? call.args : {};
    const structured = options.structuredOutput;
    if (structured !== undefined && call.name === structured.functionName) {
      const value = structured.wrapped ? input.value : input;
      return { kind: "structured_output", json: JSON.stringify(value ?? null), signature };
    }
    const callId = typeof call.id === "string" && call.id !== "" ? call.id : undefined;
    return {
      kind: "tool_call",
      name: options.toolNames.get(call.name) ?? call.name,
      input,
      signature,
      callId,
    };
  }
  if (isRecord(part.toolCall) || isRecord(part.toolResponse)) return { kind: "server_tool_part", part };
  const unsupported = findUnsupportedField(part);
  if (unsupported) {
    const lost = signature ? " (its thought signature is lost)" : "";
    return {
      kind: "unsupported",
      field: unsupported,
      warning: `Dropped a Gemini ${unsupported} part: an Anthropic message cannot carry it${lost}.`,
    };
  }
  const text = typeof part.text === "string" ? part.text : "";
  if (text === "" && signature === undefined) return { kind: "skip" };
  return { kind: part.thought === true ? "thought" : "text", text, signature };
}
