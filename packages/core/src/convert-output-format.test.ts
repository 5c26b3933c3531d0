import { describe, expect, it } from "vitest";
import type { MessagesRequest } from "./anthropic-api.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import { convertJsonSchema } from "./convert-json-schema.js";
import { convertOutputFormat } from "./convert-output-format.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { resolveModel } from "./resolve-model.js";
import { validateMessagesRequest } from "./validate-messages-request.js";

const schemaCompiler = { convert: convertJsonSchema };
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { city: { type: "string" }, temperature: { type: "number", exclusiveMinimum: -300 } },
  required: ["city", "temperature"],
  additionalProperties: false,
};
const format = { format: { type: "json_schema", schema } };

function capabilities(model: string) {
  return resolveModel(model).capabilities;
}

const base = {
  schemaCompiler,
  hasFunctions: false,
  hasBuiltInTools: false,
  isFunctionNameTaken: () => false,
};

describe("convertOutputFormat", () => {
  it("sends JSON Schema as responseJsonSchema on models that take it", () => {
    const { value } = convertOutputFormat(format, {
      ...base,
      capabilities: capabilities("gemini-2.5-flash-lite"),
    });
    if (value.mode !== "json") throw new Error(`expected JSON mode, got ${value.mode}`);
    expect(value.config.responseMimeType).toBe("application/json");
    expect(value.config.responseSchema).toBeUndefined();
    expect(value.config.responseJsonSchema).toEqual(
      convertJsonSchema(schema, { target: "parametersJsonSchema" }).value,
    );
    expect(value.config.responseJsonSchema).not.toHaveProperty("$schema");
  });

  it("sends the OpenAPI subset as responseSchema on older models", () => {
    const { value } = convertOutputFormat(format, {
      ...base,
      capabilities: capabilities("gemini-1.5-flash"),
    });
    expect(value).toEqual({
      mode: "json",
      config: {
        responseMimeType: "application/json",
        responseSchema: convertJsonSchema(schema, { target: "parameters" }).value,
      },
    });
  });

  it("keeps JSON mode next to functions on a model that combines them (Gemini 3)", () => {
    const { value } = convertOutputFormat(format, {
      ...base,
      capabilities: capabilities("gemini-3.1-pro-preview"),
      hasFunctions: true,
    });
    expect(value.mode).toBe("json");
  });

  it("keeps JSON mode with built-in tools only, for the caller to drop them on Gemini 2.5", () => {
    const { value } = convertOutputFormat(format, {
      ...base,
      capabilities: capabilities("gemini-2.5-flash-lite"),
      hasBuiltInTools: true,
    });
    expect(value.mode).toBe("json");
  });

  it("declares a final_answer function carrying the schema next to functions on Gemini 2.5", () => {
    const { value, warnings } = convertOutputFormat(format, {
      ...base,
      capabilities: capabilities("gemini-2.5-flash-lite"),
      hasFunctions: true,
    });
    expect(value).toEqual({
      mode: "function",
      functionName: "final_answer",
      wrapped: false,
      declaration: {
        name: "final_answer",
        description: expect.stringContaining("instead of writing a text answer"),
        parametersJsonSchema: convertJsonSchema(schema, { target: "parametersJsonSchema" }).value,
      },
    });
    expect(warnings).toContainEqual(expect.stringContaining('served by the function "final_answer"'));
  });

  it("wraps a schema that is not an object under `value`", () => {
    const { value } = convertOutputFormat(
      { format: { type: "json_schema", schema: { type: "array", items: { type: "string" } } } },
      { ...base, capabilities: capabilities("gemini-2.5-flash-lite"), hasFunctions: true },
    );
    expect(value).toMatchObject({
      mode: "function",
      wrapped: true,
      declaration: {
        parametersJsonSchema: {
          type: "object",
          properties: { value: { type: "array", items: { type: "string" } } },
          required: ["value"],
        },
      },
    });
  });

  it("picks another name when a client tool is called final_answer", () => {
    const taken = new Set(["final_answer", "final_answer_2"]);
    const { value } = convertOutputFormat(format, {
      ...base,
      capabilities: capabilities("gemini-2.5-flash-lite"),
      hasFunctions: true,
      isFunctionNameTaken: (name) => taken.has(name),
    });
    expect(value).toMatchObject({ mode: "function", functionName: "final_answer_3" });
  });

  it.each(["any", "tool"] as const)(
    "asks for nothing when tool_choice %s forces a tool call on Gemini 2.5",
    (type) => {
      const { value, warnings } = convertOutputFormat(format, {
        ...base,
        capabilities: capabilities("gemini-2.5-flash-lite"),
        hasFunctions: true,
        toolChoice: type === "tool" ? { type, name: "get_weather" } : { type },
      });
      expect(value).toEqual({ mode: "none" });
      expect(warnings).toEqual([expect.stringContaining(`tool_choice "${type}"`)]);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown format type", { format: { type: "regex", schema } }, "output_config.format.type"],
    ["a format without schema", { format: { type: "json_schema" } }, "output_config.format.schema"],
  ])("refuses %s naming the field", (_label, outputConfig, path) => {
    const call = () =>
      convertOutputFormat(outputConfig as never, {
        ...base,
        capabilities: capabilities("gemini-2.5-flash-lite"),
      });
    expect(call).toThrow(InvalidRequestError);
    try {
      call();
    } catch (error) {
      expect((error as InvalidRequestError).path).toBe(path);
    }
  });

  it("adds nothing without a format (effort alone)", () => {
    expect(
      convertOutputFormat(
        { effort: "high" },
        { ...base, capabilities: capabilities("gemini-2.5-flash-lite") },
      ),
    ).toEqual({ value: { mode: "none" }, warnings: [] });
  });

  it("reaches the Gemini config through convertToGeminiRequest, next to the thinking settings", () => {
    const request: MessagesRequest = validateMessagesRequest({
      model: "gemini-2.5-flash-lite",
      max_tokens: 512,
      messages: [{ role: "user", content: "Weather in Bern as JSON" }],
      output_config: { effort: "low", ...format },
    });
    const { value } = convertToGeminiRequest(request);
    expect(value.config).toMatchObject({
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", required: ["city", "temperature"] },
      thinkingConfig: expect.any(Object),
    });
  });
});

describe("output_config.format with tools, through convertToGeminiRequest", () => {
  const weatherTool = {
    name: "get_weather",
    input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  };
  function convertWith(model: string, overrides: Record<string, unknown> = {}) {
    return convertToGeminiRequest(
      validateMessagesRequest({
        model,
        max_tokens: 512,
        messages: [{ role: "user", content: "Weather in Bern as JSON" }],
        tools: [weatherTool],
        output_config: format,
        ...overrides,
      }),
    );
  }

  it("on Gemini 2.5 declares final_answer, requires a call, and tells the response side", () => {
    const { value, context, dropped } = convertWith("gemini-2.5-flash-lite");
    expect(value.config?.responseMimeType).toBeUndefined();
    expect(value.config?.tools).toEqual([
      {
        functionDeclarations: [
          expect.objectContaining({ name: "get_weather" }),
          expect.objectContaining({ name: "final_answer", parametersJsonSchema: expect.any(Object) }),
        ],
      },
    ]);
    expect(value.config?.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(context.structuredOutput).toEqual({ functionName: "final_answer", wrapped: false });
    expect(dropped).toEqual([]);
  });

  it("with tool_choice none on Gemini 2.5 allows only final_answer", () => {
    const { value } = convertWith("gemini-2.5-flash-lite", { tool_choice: { type: "none" } });
    expect(value.config?.toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["final_answer"] },
    });
  });

  it("on Gemini 3 keeps JSON mode next to the functions", () => {
    const { value, context } = convertWith("gemini-3-flash-preview");
    expect(value.config).toMatchObject({ responseMimeType: "application/json" });
    expect(value.config?.tools).toEqual([
      { functionDeclarations: [expect.objectContaining({ name: "get_weather" })] },
    ]);
    expect(context.structuredOutput).toBeUndefined();
  });

  it("with web search alone on Gemini 2.5 keeps the format and drops the search, reported", () => {
    const { value, dropped } = convertWith("gemini-2.5-flash-lite", {
      tools: [{ type: "web_search_20250305", name: "web_search" }],
    });
    expect(value.config?.tools).toBeUndefined();
    expect(value.config?.responseMimeType).toBe("application/json");
    expect(dropped).toEqual([
      { feature: "web_search", message: expect.stringContaining("output_config.format was asked for") },
    ]);
  });
});
