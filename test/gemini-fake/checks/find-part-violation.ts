import { type FakeRejection, invalidArgument } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";
import { toProtoPath } from "./to-proto-path.js";

/** Fields that carry a part's data; a part holds exactly one of them. */
const DATA_FIELDS = [
  "text",
  "inlineData",
  "fileData",
  "functionCall",
  "functionResponse",
  "executableCode",
  "codeExecutionResult",
  "toolCall",
  "toolResponse",
] as const;
const PART_FIELDS = new Set<string>([
  ...DATA_FIELDS,
  "thought",
  "thoughtSignature",
  "videoMetadata",
  "mediaResolution",
]);
const INLINE_DATA_FIELDS = new Set(["mimeType", "data", "displayName"]);
const FILE_DATA_FIELDS = new Set(["mimeType", "fileUri", "displayName"]);
const FUNCTION_CALL_FIELDS = new Set(["id", "name", "args"]);
const FUNCTION_RESPONSE_FIELDS = new Set(["id", "name", "response", "parts", "willContinue", "scheduling"]);
const FUNCTION_RESPONSE_PART_FIELDS = new Set(["inlineData", "fileData"]);
const TOOL_CALL_FIELDS = new Set(["id", "toolType", "args"]);
const TOOL_RESPONSE_FIELDS = new Set(["id", "toolType", "response"]);
/** `ToolType` values (`@google/genai` 3.6). */
const TOOL_TYPES = new Set([
  "TOOL_TYPE_UNSPECIFIED",
  "GOOGLE_SEARCH_WEB",
  "GOOGLE_SEARCH_IMAGE",
  "URL_CONTEXT",
  "GOOGLE_MAPS",
  "FILE_SEARCH",
  "MEDIA_PROCESSING",
]);
/** Standard or URL-safe base64, the two alphabets proto JSON accepts for `bytes`. */
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** True when `value` decodes as proto `bytes`. */
export function isValidBase64(value: string): boolean {
  return BASE64.test(value);
}

/** Checks one part at `path` (e.g. `contents[1].parts[0]`): known fields, one data field, well-formed data. */
export function findPartViolation(part: unknown, path: string): FakeRejection | undefined {
  const protoPath = toProtoPath(path);
  if (!isPlainObject(part)) {
    return invalidArgument(
      `Invalid value at '${protoPath}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part), ${JSON.stringify(part)}`,
    );
  }
  const unknown = findUnknownField(part, PART_FIELDS, path);
  if (unknown) return unknown;
  const present = DATA_FIELDS.filter((field) => part[field] !== undefined && part[field] !== null);
  if (present.length === 0) {
    return invalidArgument(
      `* GenerateContentRequest.${protoPath}.data: required oneof field 'data' must have one initialized field\n`,
    );
  }
  if (present.length > 1) {
    return invalidArgument(
      `Invalid value at '${protoPath}' (oneof field 'data' is already set. Cannot set '${toProtoPath(present[1]!)}')`,
    );
  }
  if (part.thought !== undefined && typeof part.thought !== "boolean") {
    return invalidArgument(
      `Invalid value at '${protoPath}.thought' (TYPE_BOOL), ${JSON.stringify(part.thought)}`,
    );
  }
  if (part.thoughtSignature !== undefined) {
    if (typeof part.thoughtSignature !== "string" || !isValidBase64(part.thoughtSignature)) {
      return invalidArgument(
        `Invalid value at '${protoPath}.thought_signature' (TYPE_BYTES), Base64 decoding failed for ${JSON.stringify(part.thoughtSignature)}`,
      );
    }
  }
  if (part.text !== undefined && typeof part.text !== "string") {
    return invalidArgument(
      `Invalid value at '${protoPath}.text' (TYPE_STRING), ${JSON.stringify(part.text)}`,
    );
  }
  if (part.inlineData !== undefined) return findBlobViolation(part.inlineData, `${path}.inlineData`);
  if (part.fileData !== undefined) {
    if (!isPlainObject(part.fileData)) return notAnObject(`${path}.fileData`, part.fileData);
    const unknownFile = findUnknownField(part.fileData, FILE_DATA_FIELDS, `${path}.fileData`);
    if (unknownFile) return unknownFile;
    if (typeof part.fileData.fileUri !== "string" || part.fileData.fileUri.length === 0) {
      return invalidArgument(
        `* GenerateContentRequest.${protoPath}.file_data.file_uri: file_uri must not be empty.\n`,
      );
    }
  }
  if (part.functionCall !== undefined) {
    const call = part.functionCall;
    if (!isPlainObject(call)) return notAnObject(`${path}.functionCall`, call);
    const unknownCall = findUnknownField(call, FUNCTION_CALL_FIELDS, `${path}.functionCall`);
    if (unknownCall) return unknownCall;
    if (typeof call.name !== "string" || call.name.length === 0) {
      return invalidArgument(
        `* GenerateContentRequest.${protoPath}.function_call.name: Name cannot be empty.\n`,
      );
    }
    if (call.args !== undefined && !isPlainObject(call.args)) {
      return invalidStruct(`${path}.functionCall.args`, call.args);
    }
  }
  for (const [field, known, payload] of [
    ["toolCall", TOOL_CALL_FIELDS, "args"],
    ["toolResponse", TOOL_RESPONSE_FIELDS, "response"],
  ] as const) {
    const value = part[field];
    if (value === undefined) continue;
    if (!isPlainObject(value)) return notAnObject(`${path}.${field}`, value);
    const unknownField = findUnknownField(value, known, `${path}.${field}`);
    if (unknownField) return unknownField;
    if (
      value.toolType !== undefined &&
      (typeof value.toolType !== "string" || !TOOL_TYPES.has(value.toolType))
    ) {
      return invalidArgument(
        `Invalid value at '${protoPath}.${toProtoPath(field)}.tool_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.ToolType), ${JSON.stringify(value.toolType)}`,
      );
    }
    if (value[payload] !== undefined && !isPlainObject(value[payload])) {
      return invalidStruct(`${path}.${field}.${payload}`, value[payload]);
    }
  }
  if (part.functionResponse !== undefined) {
    const response = part.functionResponse;
    if (!isPlainObject(response)) return notAnObject(`${path}.functionResponse`, response);
    const unknownResponse = findUnknownField(response, FUNCTION_RESPONSE_FIELDS, `${path}.functionResponse`);
    if (unknownResponse) return unknownResponse;
    if (typeof response.name !== "string" || response.name.length === 0) {
      return invalidArgument(
        `* GenerateContentRequest.${protoPath}.function_response.name: Name cannot be empty.\n`,
      );
    }
    if (!isPlainObject(response.response)) {
      if (response.response === undefined) {
        return invalidArgument(
          `* GenerateContentRequest.${protoPath}.function_response.response: Function response must be set.\n`,
        );
      }
      return invalidStruct(`${path}.functionResponse.response`, response.response);
    }
    if (response.parts !== undefined) {
      if (!Array.isArray(response.parts))
        return notAnObject(`${path}.functionResponse.parts`, response.parts);
      for (const [index, inner] of response.parts.entries()) {
        const innerPath = `${path}.functionResponse.parts[${index}]`;
        if (!isPlainObject(inner)) return notAnObject(innerPath, inner);
        const unknownInner = findUnknownField(inner, FUNCTION_RESPONSE_PART_FIELDS, innerPath);
        if (unknownInner) return unknownInner;
        if (inner.inlineData !== undefined) {
          const blob = findBlobViolation(inner.inlineData, `${innerPath}.inlineData`);
          if (blob) return blob;
        }
      }
    }
  }
  return undefined;
}

function findBlobViolation(blob: unknown, path: string): FakeRejection | undefined {
  if (!isPlainObject(blob)) return notAnObject(path, blob);
  const unknown = findUnknownField(blob, INLINE_DATA_FIELDS, path);
  if (unknown) return unknown;
  const protoPath = toProtoPath(path);
  if (typeof blob.mimeType !== "string" || blob.mimeType.length === 0) {
    return invalidArgument(`* GenerateContentRequest.${protoPath}.mime_type: mime_type must not be empty.\n`);
  }
  if (typeof blob.data !== "string" || blob.data.length === 0 || !isValidBase64(blob.data)) {
    const shown = typeof blob.data === "string" ? blob.data.slice(0, 32) : String(blob.data);
    return invalidArgument(
      `Invalid value at '${protoPath}.data' (TYPE_BYTES), Base64 decoding failed for "${shown}"`,
    );
  }
  return undefined;
}

function notAnObject(path: string, value: unknown): FakeRejection {
  return invalidArgument(
    `Invalid value at '${toProtoPath(path)}', ${JSON.stringify(value)}: expected an object.`,
  );
}

function invalidStruct(path: string, value: unknown): FakeRejection {
  return invalidArgument(
    `Invalid value at '${toProtoPath(path)}' (type.googleapis.com/google.protobuf.Struct), ${JSON.stringify(value)}`,
  );
}
