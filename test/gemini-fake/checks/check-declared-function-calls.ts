import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";
import { isPlainObject } from "./is-plain-object.js";

/** When tools are given, every `functionCall` in history must name a declared function. */
export const checkDeclaredFunctionCalls: RequestCheck = (body) => {
  if (!Array.isArray(body.tools)) return undefined;
  const declared = new Set<string>();
  for (const tool of body.tools) {
    if (!isPlainObject(tool) || !Array.isArray(tool.functionDeclarations)) continue;
    for (const declaration of tool.functionDeclarations) {
      if (isPlainObject(declaration) && typeof declaration.name === "string") declared.add(declaration.name);
    }
  }
  if (declared.size === 0) return undefined;
  for (const [index, content] of (body.contents as CheckedContent[]).entries()) {
    for (const part of content.parts) {
      if (part.functionCall && !declared.has(part.functionCall.name)) {
        return invalidArgument(
          `Function \`${part.functionCall.name}\` in contents[${index}] is not declared in tools.function_declarations.`,
        );
      }
    }
  }
  return undefined;
};
