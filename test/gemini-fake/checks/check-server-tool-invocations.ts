import { invalidArgument, type RequestCheck, unknownField } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";
import { isPlainObject } from "./is-plain-object.js";

/**
 * Built-in tools next to functions (https://ai.google.dev/gemini-api/docs/tool-combination):
 * - `toolConfig.includeServerSideToolInvocations` is a Gemini API field (Vertex AI has none);
 * - with it, `AUTO` is not a legal function-calling mode (`VALIDATED` is the default);
 * - `toolCall` / `toolResponse` parts only in model turns of a request with the flag, each
 *   exactly as the fake sent it ("return all parts exactly as received"), every call followed
 *   in its turn by the response with its id;
 * - with the flag, a `functionResponse` repeats the id of its call ("required in function
 *   response").
 * The wording of the messages is the fake's own; the real service's is not documented.
 */
export const checkServerToolInvocations: RequestCheck = (body, context) => {
  const toolConfig = isPlainObject(body.toolConfig) ? body.toolConfig : {};
  const enabled = toolConfig.includeServerSideToolInvocations === true;
  if (context.vertex && toolConfig.includeServerSideToolInvocations !== undefined) {
    return unknownField("includeServerSideToolInvocations", "tool_config");
  }
  const calling = isPlainObject(toolConfig.functionCallingConfig) ? toolConfig.functionCallingConfig : {};
  if (enabled && calling.mode === "AUTO") {
    return invalidArgument(
      "* GenerateContentRequest.tool_config.function_calling_config.mode: AUTO is not supported when include_server_side_tool_invocations is set; use VALIDATED.\n",
    );
  }

  const contents = body.contents as CheckedContent[];
  for (const [index, content] of contents.entries()) {
    const open = new Set<string>();
    for (const [partIndex, part] of content.parts.entries()) {
      const where = `contents[${index}].parts[${partIndex}]`;
      if (part.toolCall === undefined && part.toolResponse === undefined) continue;
      if (!enabled) {
        return invalidArgument(
          `* GenerateContentRequest.${where}: tool_call and tool_response parts need tool_config.include_server_side_tool_invocations.\n`,
        );
      }
      if (content.role !== "model") {
        return invalidArgument(
          `* GenerateContentRequest.${where}: tool_call and tool_response parts belong to model turns.\n`,
        );
      }
      if (context.isIssuedServerPart && !context.isIssuedServerPart(part)) {
        return invalidArgument(
          `* GenerateContentRequest.${where}: the server-side tool part does not match the one returned; send it back exactly as received.\n`,
        );
      }
      const id = part.toolCall?.id ?? part.toolResponse?.id ?? "";
      if (part.toolCall !== undefined) open.add(id);
      else if (!open.delete(id)) {
        return invalidArgument(
          `* GenerateContentRequest.${where}: tool_response ${id} has no tool_call before it.\n`,
        );
      }
    }
    if (open.size > 0) {
      return invalidArgument(
        `* GenerateContentRequest.contents[${index}]: tool_call ${[...open].join(", ")} has no tool_response.\n`,
      );
    }
  }

  if (!enabled) return undefined;
  for (const [index, content] of contents.entries()) {
    const previous = contents[index - 1];
    if (content.role !== "user" || previous?.role !== "model") continue;
    const calls = previous.parts.flatMap((part) => (part.functionCall ? [part.functionCall] : []));
    const responses = content.parts.flatMap((part) => (part.functionResponse ? [part.functionResponse] : []));
    for (const [position, call] of calls.entries()) {
      if (
        call.id !== undefined &&
        responses[position] !== undefined &&
        responses[position].id === undefined
      ) {
        return invalidArgument(
          `* GenerateContentRequest.contents[${index}].parts[${position}].function_response.id: required for function call ${call.id} when include_server_side_tool_invocations is set.\n`,
        );
      }
    }
  }
  return undefined;
};
