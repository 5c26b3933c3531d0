import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

const TOOL_CONFIG_FIELDS = new Set([
  "functionCallingConfig",
  "retrievalConfig",
  "includeServerSideToolInvocations",
]);
const FUNCTION_CALLING_FIELDS = new Set(["mode", "allowedFunctionNames"]);
const MODES = new Set(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]);

/** `toolConfig.functionCallingConfig`: a known mode; `allowedFunctionNames` only with ANY and only declared names. */
export const checkToolConfig: RequestCheck = (body) => {
  const config = body.toolConfig;
  if (config === undefined) return undefined;
  if (!isPlainObject(config))
    return invalidArgument(`Invalid value at 'tool_config', ${JSON.stringify(config)}`);
  const unknown = findUnknownField(config, TOOL_CONFIG_FIELDS, "toolConfig");
  if (unknown) return unknown;
  const calling = config.functionCallingConfig;
  if (calling === undefined) return undefined;
  if (!isPlainObject(calling)) {
    return invalidArgument(
      `Invalid value at 'tool_config.function_calling_config', ${JSON.stringify(calling)}`,
    );
  }
  const unknownCalling = findUnknownField(
    calling,
    FUNCTION_CALLING_FIELDS,
    "toolConfig.functionCallingConfig",
  );
  if (unknownCalling) return unknownCalling;
  if (calling.mode !== undefined && (typeof calling.mode !== "string" || !MODES.has(calling.mode))) {
    return invalidArgument(
      `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), ${JSON.stringify(calling.mode)}`,
    );
  }
  const allowed = calling.allowedFunctionNames;
  if (allowed === undefined) return undefined;
  if (calling.mode !== "ANY" && calling.mode !== "VALIDATED") {
    return invalidArgument(
      "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY.\n",
    );
  }
  const declared = new Set<string>();
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (!isPlainObject(tool) || !Array.isArray(tool.functionDeclarations)) continue;
    for (const declaration of tool.functionDeclarations) {
      if (isPlainObject(declaration) && typeof declaration.name === "string") declared.add(declaration.name);
    }
  }
  if (!Array.isArray(allowed)) {
    return invalidArgument(
      `Invalid value at 'tool_config.function_calling_config.allowed_function_names', ${JSON.stringify(allowed)}`,
    );
  }
  for (const name of allowed) {
    if (typeof name !== "string" || !declared.has(name)) {
      return invalidArgument(
        `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function ${JSON.stringify(name)} is not declared in tools.\n`,
      );
    }
  }
  return undefined;
};
