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

describe("convertOutputFormat", () => {
  it("sends JSON Schema as responseJsonSchema on models that take it", () => {
    const { value } = convertOutputFormat(format, {
      capabilities: capabilities("gemini-2.5-flash-lite"),
      schemaCompiler,
      hasTools: false,
    });
    expect(value.responseMimeType).toBe("application/json");
    expect(value.responseSchema).toBeUndefined();
    expect(value.responseJsonSchema).toEqual(
      convertJsonSchema(schema, { target: "parametersJsonSchema" }).value,
    );
    expect(value.responseJsonSchema).not.toHaveProperty("$schema");
  });

  it("sends the OpenAPI subset as responseSchema on older models", () => {
    const { value } = convertOutputFormat(format, {
      capabilities: capabilities("gemini-1.5-flash"),
      schemaCompiler,
      hasTools: false,
    });
    expect(value).toEqual({
      responseMimeType: "application/json",
      responseSchema: convertJsonSchema(schema, { target: "parameters" }).value,
    });
    expect(value.responseSchema).not.toHaveProperty("additionalProperties");
  });

  it.each<[string, boolean]>([
    ["gemini-2.5-flash-lite", false],
    ["gemini-3.1-pro-preview", true],
  ])("with tools on %s: JSON mode kept = %s", (model, kept) => {
    const { value, warnings } = convertOutputFormat(format, {
      capabilities: capabilities(model),
      schemaCompiler,
      hasTools: true,
    });
    expect(value.responseMimeType === "application/json").toBe(kept);
    expect(warnings.some((warning) => /output_config\.format was dropped/.test(warning))).toBe(!kept);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown format type", { format: { type: "regex", schema } }, "output_config.format.type"],
    ["a format without schema", { format: { type: "json_schema" } }, "output_config.format.schema"],
  ])("refuses %s naming the field", (_label, outputConfig, path) => {
    const call = () =>
      convertOutputFormat(outputConfig as never, {
        capabilities: capabilities("gemini-2.5-flash-lite"),
        schemaCompiler,
        hasTools: false,
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
        { capabilities: capabilities("gemini-2.5-flash-lite"), schemaCompiler, hasTools: false },
      ),
    ).toEqual({ value: {}, warnings: [] });
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
