import type { ToolResultBlock } from "./anthropic-api.js";
import { convertContentBlockToGemini } from "./convert-content-block-to-gemini.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type { GeminiFunctionResponse, GeminiPart } from "./gemini-api.js";

export interface ConvertToolResultOptions {
  /** The Gemini function name of the call this result answers. */
  functionName: string;
  /** The `functionCall.id` Gemini gave the call, sent back as `functionResponse.id`. */
  callId?: string;
  /** Whether media may ride inside `functionResponse.parts` (Gemini 3); otherwise it becomes sibling parts. */
  supportsFunctionResponseParts: boolean;
  /** Where the block sits in the request, for warnings. */
  path: string;
  toolName?: (name: string) => string;
}

/**
 * Converts a `tool_result` into a Gemini `functionResponse`. Text content becomes
 * `{output}` (or `{error}` when `is_error`), because Gemini wants an object and documents
 * those two keys. Images and PDFs never become base64 text: they go into
 * `functionResponse.parts` where the model supports it, otherwise into `attachments`, parts
 * the caller places in the same user turn after every function response.
 */
export function convertToolResultToGemini(
  block: ToolResultBlock,
  options: ConvertToolResultOptions,
): {
  value: { functionResponse: GeminiFunctionResponse; attachments: GeminiPart[] };
  warnings: string[];
  dropped: DroppedFeature[];
} {
  const texts: string[] = [];
  const media: GeminiPart[] = [];
  const warnings: string[] = [];
  const dropped: DroppedFeature[] = [];

  if (typeof block.content === "string") {
    texts.push(block.content);
  } else if (block.content) {
    block.content.forEach((inner, index) => {
      const converted = convertContentBlockToGemini(inner, {
        path: `${options.path}.content.${index}`,
        toolName: options.toolName,
      });
      warnings.push(...converted.warnings);
      dropped.push(...converted.dropped);
      for (const part of converted.value) {
        if (part.text !== undefined) texts.push(part.text);
        else media.push(part);
      }
    });
  }

  const output = texts.filter(Boolean).join("\n");
  const functionResponse: GeminiFunctionResponse = {
    name: options.functionName,
    response: block.is_error ? { error: output } : { output },
  };
  if (options.callId !== undefined) functionResponse.id = options.callId;

  if (media.length === 0) return { value: { functionResponse, attachments: [] }, warnings, dropped };

  if (options.supportsFunctionResponseParts) {
    functionResponse.parts = media.map((part) =>
      part.inlineData ? { inlineData: part.inlineData } : { fileData: part.fileData },
    );
    return { value: { functionResponse, attachments: [] }, warnings, dropped };
  }

  // A label keeps the model from mistaking a tool's screenshot for something the user sent.
  const label: GeminiPart = { text: `Attachments returned by the ${options.functionName} tool call:` };
  return { value: { functionResponse, attachments: [label, ...media] }, warnings, dropped };
}
