import type { GeminiGenerateContentParameters } from "@claude-gemini/core";

/** Where a request goes: the backend decides a few names and which fields exist. */
export interface GenerateContentTarget {
  /** Vertex AI (`publishers/google/models/…`, `projects/…` resource names) instead of the Gemini API. */
  vertexai: boolean;
  /** Vertex AI project and location, for cached-content names; absent on the Gemini API and Vertex express. */
  project?: string;
  location?: string;
}

/** A `generateContent` request in Gemini's REST form. */
export interface GenerateContentBody {
  /** The model's resource path, e.g. `models/gemini-3.8-flash` or `publishers/google/models/…`. */
  modelPath: string;
  /** The JSON body: `contents`, `systemInstruction`, `tools`, `toolConfig`, `generationConfig`… */
  body: Record<string, unknown>;
}

/**
 * `GenerateContentConfig` fields that are request fields of their own in the REST body (the
 * rest go into `generationConfig`), as `@google/genai` 3.6 places them; the value says on
 * which backend the field exists.
 */
const REQUEST_FIELDS = {
  serviceTier: "both",
  systemInstruction: "both",
  safetySettings: "both",
  tools: "both",
  toolConfig: "both",
  labels: "both",
  cachedContent: "both",
  continuationToken: "both",
  store: "gemini",
  modelArmorConfig: "vertex",
  generationOutputConfig: "vertex",
} as const satisfies Record<string, Backend>;

/**
 * `GenerateContentConfig` fields that go into `generationConfig`, with the backend they exist
 * on. Anything else of the config (`abortSignal`, `httpOptions`, the SDK's own
 * `automaticFunctionCalling`…) is not sent, as the SDK does not send it either.
 */
const GENERATION_CONFIG_FIELDS = {
  temperature: "both",
  topP: "both",
  topK: "both",
  candidateCount: "both",
  maxOutputTokens: "both",
  stopSequences: "both",
  responseLogprobs: "both",
  logprobs: "both",
  presencePenalty: "both",
  frequencyPenalty: "both",
  seed: "both",
  responseMimeType: "both",
  responseSchema: "both",
  responseJsonSchema: "both",
  routingConfig: "vertex",
  modelSelectionConfig: "vertex",
  responseModalities: "both",
  mediaResolution: "both",
  speechConfig: "both",
  audioTimestamp: "vertex",
  thinkingConfig: "both",
  audioTranscriptionConfig: "both",
  imageConfig: "both",
  enableEnhancedCivicAnswers: "gemini",
} as const satisfies Record<string, Backend>;

type Backend = "both" | "gemini" | "vertex";

/** Config fields whose REST name differs from the SDK's. */
const RENAMED: Readonly<Record<string, string>> = {
  modelSelectionConfig: "modelConfig",
  generationOutputConfig: "outputConfig",
};

/**
 * Turns the SDK-shaped parameters the converter produces (`{ model, contents, config }`) into
 * the REST request Gemini reads, field for field as `@google/genai` 3.6 writes it: request-level
 * config fields lifted out of `config`, the generation settings under `generationConfig`,
 * `parameters` schemas in the OpenAPI subset (types upper-cased, `additionalProperties` left
 * out, a schema with `$schema` moved to `parametersJsonSchema`), a string speech config
 * expanded, and model and cached-content names made full resource names. A field that does not
 * exist on the target backend is refused, as the SDK refuses it.
 *
 * Reference: https://ai.google.dev/api/generate-content#request-body and the Vertex AI
 * `GenerateContentRequest`; `generate-content-body.test.ts` checks the result against the SDK's
 * own conversion and the Discovery document.
 *
 * @example
 * const { modelPath, body } = buildGenerateContentBody(converted.value, { vertexai: false });
 * await fetch(`${base}/v1beta/${modelPath}:generateContent`, { method: "POST", body: JSON.stringify(body) });
 */
export function buildGenerateContentBody(
  parameters: GeminiGenerateContentParameters,
  target: GenerateContentTarget,
): GenerateContentBody {
  const backend: Backend = target.vertexai ? "vertex" : "gemini";
  const body: Record<string, unknown> = { contents: parameters.contents };
  const config = parameters.config as Record<string, unknown> | undefined;
  if (config !== undefined && config !== null) {
    const generationConfig: Record<string, unknown> = {};
    for (const key in config) {
      const value = config[key];
      if (value === undefined || value === null) continue;
      const requestField = REQUEST_FIELDS[key as keyof typeof REQUEST_FIELDS];
      const generationField = GENERATION_CONFIG_FIELDS[key as keyof typeof GENERATION_CONFIG_FIELDS];
      const where: Backend | undefined = requestField ?? generationField;
      if (where === undefined) continue;
      if (where !== "both" && where !== backend) {
        throw new Error(
          `${key} is only supported on ${where === "vertex" ? "Vertex AI" : "the Gemini API"}, not on ${target.vertexai ? "Vertex AI" : "the Gemini API"}.`,
        );
      }
      const name = RENAMED[key] ?? key;
      if (requestField !== undefined) body[name] = convertRequestField(key, value, target);
      else generationConfig[name] = convertGenerationField(key, value);
    }
    body.generationConfig = generationConfig;
  }
  return { modelPath: toModelPath(parameters.model, target.vertexai), body };
}

function convertRequestField(key: string, value: unknown, target: GenerateContentTarget): unknown {
  switch (key) {
    case "systemInstruction":
      return toContent(value);
    case "tools":
      return (value as unknown[]).map(toRestTool);
    case "cachedContent":
      return toCachedContentName(String(value), target);
    case "safetySettings":
      if (
        !target.vertexai &&
        (value as { method?: unknown }[]).some((setting) => setting.method !== undefined)
      ) {
        throw new Error("safetySettings[].method is only supported on Vertex AI, not on the Gemini API.");
      }
      return value;
    default:
      return value;
  }
}

function convertGenerationField(key: string, value: unknown): unknown {
  if (key === "responseSchema") return toOpenApiSchema(value as Record<string, unknown>);
  if (key === "speechConfig" && typeof value === "string") {
    return { voiceConfig: { prebuiltVoiceConfig: { voiceName: value } } };
  }
  return value;
}

/** A `systemInstruction` given as text or parts becomes a content, as the SDK makes it. */
function toContent(value: unknown): unknown {
  if (typeof value === "string") return { role: "user", parts: [{ text: value }] };
  if (Array.isArray(value)) {
    return {
      role: "user",
      parts: value.map((part) => (typeof part === "string" ? { text: part } : part)),
    };
  }
  const record = value as Record<string, unknown>;
  if ("parts" in record || "role" in record) return value;
  return { role: "user", parts: [value] };
}

function toRestTool(tool: unknown): unknown {
  const declarations = (tool as { functionDeclarations?: Record<string, unknown>[] }).functionDeclarations;
  if (declarations === undefined) return tool;
  return {
    ...(tool as Record<string, unknown>),
    functionDeclarations: declarations.map((declaration) => {
      const converted = { ...declaration };
      moveSchema(converted, "parameters", "parametersJsonSchema");
      moveSchema(converted, "response", "responseJsonSchema");
      return converted;
    }),
  };
}

function moveSchema(declaration: Record<string, unknown>, field: string, jsonField: string): void {
  const schema = declaration[field] as Record<string, unknown> | undefined;
  if (schema === undefined || schema === null) return;
  if (!("$schema" in schema)) {
    declaration[field] = toOpenApiSchema(schema);
  } else if (declaration[jsonField] === undefined) {
    declaration[jsonField] = schema;
    delete declaration[field];
  }
}

const OPENAPI_TYPES: ReadonlySet<string> = new Set([
  "TYPE_UNSPECIFIED",
  "STRING",
  "NUMBER",
  "INTEGER",
  "BOOLEAN",
  "ARRAY",
  "OBJECT",
  "NULL",
]);

const upperType = (type: string): string => {
  const upper = type.toUpperCase();
  return OPENAPI_TYPES.has(upper) ? upper : "TYPE_UNSPECIFIED";
};

/**
 * The OpenAPI-subset form of a `parameters`/`responseSchema` schema as the SDK sends it:
 * lower-case JSON Schema types upper-cased, a `null` member of `anyOf` or of a type list
 * folded into `nullable`, `additionalProperties` left out; everything else as given.
 */
function toOpenApiSchema(input: Record<string, unknown>): Record<string, unknown> {
  let schema = input;
  const result: Record<string, unknown> = {};
  if (schema.type !== undefined && schema.anyOf !== undefined) {
    throw new Error("A schema cannot have both type and anyOf.");
  }
  const anyOf = schema.anyOf as Record<string, unknown>[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullAt = anyOf[0]?.type === "null" ? 0 : anyOf[1]?.type === "null" ? 1 : -1;
    if (nullAt >= 0) {
      result.nullable = true;
      schema = anyOf[1 - nullAt] as Record<string, unknown>;
    }
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type as string[];
    if (types.includes("null")) result.nullable = true;
    const others = types.filter((type) => type !== "null");
    if (others.length === 1) result.type = upperType(others[0]!);
    else result.anyOf = others.map((type) => ({ type: upperType(type) }));
  }
  for (const key in schema) {
    const value = schema[key];
    if (value === undefined || value === null) continue;
    if (key === "type") {
      if (value === "null") throw new Error("type: null cannot be the only type of a field.");
      if (!Array.isArray(value)) result.type = upperType(String(value));
    } else if (key === "items") {
      result.items = toOpenApiSchema(value as Record<string, unknown>);
    } else if (key === "anyOf") {
      const members: Record<string, unknown>[] = [];
      for (const member of value as Record<string, unknown>[]) {
        if (member.type === "null") result.nullable = true;
        else members.push(toOpenApiSchema(member));
      }
      result.anyOf = members;
    } else if (key === "properties") {
      const properties: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(value as Record<string, Record<string, unknown>>)) {
        properties[name] = toOpenApiSchema(property);
      }
      result.properties = properties;
    } else if (key !== "additionalProperties") {
      result[key] = value;
    }
  }
  return result;
}

/** `gemini-3.8-flash` → `models/gemini-3.8-flash` (Gemini API) or `publishers/google/models/…` (Vertex AI). */
function toModelPath(model: string, vertexai: boolean): string {
  if (typeof model !== "string" || model === "") throw new Error("model is required and must be a string");
  if (model.includes("..") || model.includes("?") || model.includes("&")) {
    throw new Error("invalid model parameter");
  }
  if (!vertexai) {
    return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : `models/${model}`;
  }
  if (model.startsWith("publishers/") || model.startsWith("projects/") || model.startsWith("models/")) {
    return model;
  }
  const slash = model.indexOf("/");
  if (slash >= 0) {
    const [publisher, name] = model.split("/", 2);
    return `publishers/${publisher}/models/${name}`;
  }
  return `publishers/google/models/${model}`;
}

/** A cached content's short name made the full resource name the backend expects. */
function toCachedContentName(name: string, target: GenerateContentTarget): string {
  const prefix = "cachedContents";
  const bare = !name.startsWith(`${prefix}/`) && name.split("/").length === 1;
  if (!target.vertexai) return bare ? `${prefix}/${name}` : name;
  if (name.startsWith("projects/")) return name;
  if (name.startsWith("locations/")) return `projects/${target.project}/${name}`;
  if (name.startsWith(`${prefix}/`)) return `projects/${target.project}/locations/${target.location}/${name}`;
  if (bare) return `projects/${target.project}/locations/${target.location}/${prefix}/${name}`;
  return name;
}
