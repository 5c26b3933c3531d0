/**
 * A structural check of a Gemini `generateContent` request against the rules Gemini enforces
 * with a 400 (protocol brief §3). Tests of every converter that builds requests can reuse it;
 * it throws an `Error` listing every problem, so a failing property test shows all of them.
 */
import type { GeminiContent, GeminiGenerateContentParameters, GeminiPart } from "../gemini-api.js";

export interface AssertGeminiRequestOptions {
  /** Gemini 3: the first `functionCall` of every model turn must carry a `thoughtSignature`. */
  requiresThoughtSignatures?: boolean;
}

const LEGAL_FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const DATA_FIELDS = [
  "text",
  "inlineData",
  "fileData",
  "functionCall",
  "functionResponse",
  "toolCall",
  "toolResponse",
] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkPart(part: GeminiPart, where: string, role: string, problems: string[]): void {
  const fields = DATA_FIELDS.filter((field) => part[field] !== undefined);
  if (fields.length !== 1)
    problems.push(
      `${where}: a part must hold exactly one of ${DATA_FIELDS.join("/")}, found [${fields.join(", ")}]`,
    );
  if (part.text === "" && !part.thoughtSignature)
    problems.push(`${where}: empty text part without a thoughtSignature`);
  if (part.thought && role !== "model") problems.push(`${where}: thought part outside a model turn`);
  if (part.inlineData && (!part.inlineData.mimeType || part.inlineData.data === undefined)) {
    problems.push(`${where}: inlineData needs mimeType and data`);
  }
  if (part.fileData && !part.fileData.fileUri) problems.push(`${where}: fileData needs fileUri`);
  if (part.functionCall) {
    if (role !== "model") problems.push(`${where}: functionCall outside a model turn`);
    if (!isPlainObject(part.functionCall.args))
      problems.push(`${where}: functionCall.args must be an object`);
  }
  if ((part.toolCall || part.toolResponse) && role !== "model") {
    problems.push(`${where}: a server-side tool part outside a model turn`);
  }
  if (part.functionResponse) {
    if (role !== "user") problems.push(`${where}: functionResponse outside a user turn`);
    if (!isPlainObject(part.functionResponse.response))
      problems.push(`${where}: functionResponse.response must be an object`);
  }
}

function collectDeclaredNames(request: GeminiGenerateContentParameters, problems: string[]): Set<string> {
  const names = new Set<string>();
  const tools = request.config?.tools ?? [];
  let count = 0;
  for (const tool of tools) {
    if (!isPlainObject(tool) || !Array.isArray(tool.functionDeclarations)) continue;
    for (const declaration of tool.functionDeclarations as {
      name?: string;
      parameters?: unknown;
      parametersJsonSchema?: unknown;
    }[]) {
      count++;
      const name = declaration.name ?? "";
      if (!LEGAL_FUNCTION_NAME.test(name)) problems.push(`tools: illegal function name "${name}"`);
      if (names.has(name)) problems.push(`tools: function "${name}" is declared twice`);
      if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
        problems.push(`tools: function "${name}" has both parameters and parametersJsonSchema`);
      }
      names.add(name);
    }
  }
  if (count > 512) problems.push(`tools: ${count} function declarations, at most 512 allowed`);
  return names;
}

/** Throws an `Error` naming every Gemini turn rule `request` breaks; returns quietly when it keeps them all. */
export function assertGeminiRequest(
  request: GeminiGenerateContentParameters,
  options: AssertGeminiRequestOptions = {},
): void {
  const problems: string[] = [];
  if (!request.model) problems.push("model is missing");
  const declared = collectDeclaredNames(request, problems);
  const contents = (Array.isArray(request.contents) ? request.contents : []) as GeminiContent[];
  if (contents.length === 0) problems.push("contents is empty");
  if (contents[0] && contents[0].role !== "user")
    problems.push("contents.0: the first turn must be a user turn");

  contents.forEach((content, index) => {
    const where = `contents.${index}`;
    const parts = content.parts ?? [];
    if (content.role !== "user" && content.role !== "model")
      problems.push(`${where}: role "${content.role}" is not user/model`);
    if (parts.length === 0) problems.push(`${where}: parts is empty`);
    const previous = contents[index - 1];
    if (previous && previous.role === content.role)
      problems.push(`${where}: two ${content.role} turns in a row`);
    parts.forEach((part, partIndex) => {
      checkPart(part, `${where}.parts.${partIndex}`, content.role ?? "", problems);
    });

    const calls = parts.filter((part) => part.functionCall).map((part) => part.functionCall!);
    for (const call of calls) {
      if (!declared.has(call.name ?? ""))
        problems.push(`${where}: functionCall "${call.name}" has no declaration`);
    }
    if (options.requiresThoughtSignatures && calls.length > 0) {
      const first = parts.find((part) => part.functionCall);
      if (!first?.thoughtSignature) problems.push(`${where}: the first functionCall has no thoughtSignature`);
    }

    const responses = parts.map((part) => part.functionResponse);
    const expected =
      content.role === "user" && previous?.role === "model"
        ? (previous.parts ?? []).filter((part) => part.functionCall).map((part) => part.functionCall!)
        : [];
    expected.forEach((call, callIndex) => {
      const response = responses[callIndex];
      if (!response) problems.push(`${where}.parts.${callIndex}: expected the response to ${call.name}`);
      else if (response.name !== call.name) {
        problems.push(
          `${where}.parts.${callIndex}: response to "${response.name}" where "${call.name}" was called`,
        );
      }
    });
    const extra = responses.slice(expected.length).filter(Boolean).length;
    if (extra > 0)
      problems.push(`${where}: ${extra} functionResponse part(s) answer no call of the previous turn`);
  });
  const last = contents.at(-1);
  if (last?.role === "model" && last.parts?.some((part) => part.functionCall)) {
    problems.push(`contents.${contents.length - 1}: function calls at the end of history have no responses`);
  }

  if (problems.length > 0)
    throw new Error(`Gemini request breaks ${problems.length} rule(s):\n- ${problems.join("\n- ")}`);
}
