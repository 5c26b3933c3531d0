import { describe, expect, it } from "vitest";
import { SIGNATURE_PLACEHOLDER } from "../create-signature-registry.js";
import type { CheckContext, RequestCheck } from "../fake-rejection.js";
import { type FakeModel, findKnownModel, KNOWN_MODELS } from "../known-models.js";
import { checkContents } from "./check-contents.js";
import { checkDeclaredFunctionCalls } from "./check-declared-function-calls.js";
import { checkFirstTurn } from "./check-first-turn.js";
import { checkFunctionCallPlacement } from "./check-function-call-placement.js";
import { checkFunctionResponsePairing } from "./check-function-response-pairing.js";
import { checkFunctionResponseParts } from "./check-function-response-parts.js";
import { checkGenerationConfig } from "./check-generation-config.js";
import { checkParts } from "./check-parts.js";
import { checkThinkingConfig } from "./check-thinking-config.js";
import { checkThoughtSignatures } from "./check-thought-signatures.js";
import { checkToolConfig } from "./check-tool-config.js";
import { checkToolDeclarations } from "./check-tool-declarations.js";
import { checkTopLevelFields } from "./check-top-level-fields.js";
import { findSchemaViolation } from "./find-schema-violation.js";

const ISSUED = "aXNzdWVkLWJ5LXRoZS1mYWtl";

function contextFor(modelId: string): CheckContext {
  const model = KNOWN_MODELS[modelId];
  if (model === undefined) throw new Error(`The fake does not serve ${modelId}.`);
  return contextWith(model);
}

function contextWith(model: FakeModel): CheckContext {
  return {
    model,
    isKnownSignature: (signature) => signature === ISSUED || signature === SIGNATURE_PLACEHOLDER,
  };
}

/** A 2.5 model: budgets, no signature validation, no media in function responses. */
const lite25 = contextFor("gemini-2.5-flash-lite");
/** A Gemini 3 model: levels (and a budget that cannot be 0), signatures, media in function responses. */
const pro3 = contextFor("gemini-3.1-pro-preview");
const GEMINI_4 = ["gemini-4-argon", "gemini-4-carbon", "gemini-4-hydrogen", "gemini-4-neon"] as const;
const RETIRED = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.0-flash"] as const;
const BUDGET_REFUSED = "Thinking budget is not supported for this model. Use thinking level instead.";
/** The service's message for a level outside the model's set; it lists the set in lower case. */
const levelRefused = (level: string, allowed: string) =>
  `'${level}' is not a supported thinking level for this model. Allowed values are: ${allowed}`;
const user = (text = "hi") => ({ role: "user", parts: [{ text }] });
const call = (name: string, extra: Record<string, unknown> = {}) => ({
  functionCall: { name, args: {} },
  ...extra,
});
const response = (name: string) => ({ functionResponse: { name, response: { output: "ok" } } });
const declare = (...names: string[]) => [{ functionDeclarations: names.map((name) => ({ name })) }];

/** Each rule must refuse the bad body with the expected message and accept the corrected one. */
function expectRule(
  check: RequestCheck,
  bad: Record<string, unknown>,
  good: Record<string, unknown>,
  message: string | RegExp,
  context = lite25,
) {
  const rejection = check(bad, context);
  expect(rejection?.status).toBe(400);
  expect(rejection?.geminiStatus).toBe("INVALID_ARGUMENT");
  expect(rejection?.message).toMatch(message);
  expect(check(good, context)).toBeUndefined();
}

describe("checkTopLevelFields", () => {
  it("names the unknown field like the proto parser", () => {
    expectRule(
      checkTopLevelFields,
      { contents: [], temperature: 1 },
      { contents: [], generationConfig: { temperature: 1 } },
      'Invalid JSON payload received. Unknown name "temperature": Cannot find field.',
    );
  });
});

describe("checkContents", () => {
  it.each([
    [{}, /contents is not specified/],
    [{ contents: [] }, /contents is not specified/],
    [{ contents: [{ role: "assistant", parts: [{ text: "x" }] }] }, /valid role: user, model/],
    [{ contents: [{ parts: [{ text: "x" }] }] }, /valid role/],
    [{ contents: [{ role: "user", parts: [] }] }, /contents\[0\]\.parts: contents\.parts must not be empty/],
    [
      { contents: [{ role: "user", parts: [{ text: "x" }], extra: 1 }] },
      /Unknown name "extra" at 'contents\[0\]'/,
    ],
  ])("rejects %j", (bad, message) => {
    expectRule(checkContents, bad, { contents: [user()] }, message);
  });
});

describe("checkParts", () => {
  const withPart = (part: unknown) => ({ contents: [{ role: "user", parts: [part] }] });
  it.each([
    [{}, /required oneof field 'data'/],
    [{ text: "a", inlineData: { mimeType: "image/png", data: "AAAA" } }, /oneof field 'data' is already set/],
    [
      { inlineData: { mimeType: "image/png", data: "not base64!" } },
      /inline_data\.data' \(TYPE_BYTES\), Base64 decoding failed/,
    ],
    [{ inlineData: { data: "AAAA" } }, /mime_type must not be empty/],
    [
      { functionResponse: { name: "f", response: "text" } },
      /function_response\.response' \(type\.googleapis\.com\/google\.protobuf\.Struct\)/,
    ],
    [{ functionCall: { name: "f", args: "[]" } }, /function_call\.args'/],
    [{ text: "a", thoughtSignature: "%%%" }, /thought_signature' \(TYPE_BYTES\)/],
    [{ text: "a", cache_control: {} }, /Unknown name "cache_control" at 'contents\[0\]\.parts\[0\]'/],
  ])("rejects part %j", (part, message) => {
    expectRule(checkParts, withPart(part), withPart({ text: "fine", thought: false }), message);
  });

  it("accepts every well-formed data field", () => {
    for (const part of [
      { text: "" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/a.pdf" } },
      { functionCall: { name: "f", args: { a: 1 } }, thoughtSignature: ISSUED },
      {
        functionResponse: {
          name: "f",
          response: { output: [1] },
          parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
        },
      },
    ]) {
      expect(checkParts(withPart(part), lite25)).toBeUndefined();
    }
  });

  it("checks systemInstruction parts too", () => {
    expectRule(
      checkParts,
      { contents: [user()], systemInstruction: { parts: [{ text: "s", type: "text" }] } },
      { contents: [user()], systemInstruction: { role: "user", parts: [{ text: "s" }] } },
      /Unknown name "type" at 'system_instruction\.parts\[0\]'/,
    );
  });
});

describe("checkFirstTurn", () => {
  it("wants the user first", () => {
    expectRule(
      checkFirstTurn,
      { contents: [{ role: "model", parts: [{ text: "x" }] }, user()] },
      { contents: [user(), { role: "model", parts: [{ text: "x" }] }] },
      /start with a user turn/,
    );
  });
});

describe("checkFunctionCallPlacement", () => {
  it("wants a call turn right after a user turn", () => {
    expectRule(
      checkFunctionCallPlacement,
      {
        contents: [user(), { role: "model", parts: [{ text: "x" }] }, { role: "model", parts: [call("f")] }],
      },
      { contents: [user(), { role: "model", parts: [{ text: "x" }, call("f")] }] },
      /function call turn comes immediately after a user turn/,
    );
  });
});

describe("checkFunctionResponsePairing", () => {
  const twoCalls = { role: "model", parts: [call("a"), call("b")] };
  it("wants one response per call", () => {
    expectRule(
      checkFunctionResponsePairing,
      { contents: [user(), twoCalls, { role: "user", parts: [response("a")] }] },
      {
        contents: [
          user(),
          twoCalls,
          { role: "user", parts: [response("a"), response("b"), { text: "note" }] },
        ],
      },
      "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
    );
  });
  it("wants names in call order", () => {
    expectRule(
      checkFunctionResponsePairing,
      { contents: [user(), twoCalls, { role: "user", parts: [response("b"), response("a")] }] },
      { contents: [user(), twoCalls, { role: "user", parts: [response("a"), response("b")] }] },
      /Expected `a` at position 0, got `b`/,
    );
  });
  it("refuses a response with no call before it", () => {
    expectRule(
      checkFunctionResponsePairing,
      {
        contents: [
          user(),
          { role: "model", parts: [{ text: "x" }] },
          { role: "user", parts: [response("a")] },
        ],
      },
      { contents: [user(), { role: "model", parts: [call("a")] }, { role: "user", parts: [response("a")] }] },
      /function response turn comes immediately after a function call turn/,
    );
  });
  it("refuses a call turn left without responses", () => {
    expectRule(
      checkFunctionResponsePairing,
      { contents: [user(), { role: "model", parts: [call("a")] }] },
      { contents: [user(), { role: "model", parts: [{ text: "prefill" }] }] },
      /number of function response parts/,
    );
  });
  it("refuses mismatched ids", () => {
    const withIds = { role: "model", parts: [{ functionCall: { id: "c1", name: "a", args: {} } }] };
    const reply = (id: string) => ({
      role: "user",
      parts: [{ functionResponse: { id, name: "a", response: {} } }],
    });
    expectRule(
      checkFunctionResponsePairing,
      { contents: [user(), withIds, reply("c2")] },
      { contents: [user(), withIds, reply("c1")] },
      /does not match function call id/,
    );
  });
});

describe("checkDeclaredFunctionCalls", () => {
  it("wants history calls declared when tools are given", () => {
    const contents = [
      user(),
      { role: "model", parts: [call("Bash")] },
      { role: "user", parts: [response("Bash")] },
    ];
    expectRule(
      checkDeclaredFunctionCalls,
      { contents, tools: declare("Read") },
      { contents, tools: declare("Read", "Bash") },
      /`Bash` in contents\[1\] is not declared/,
    );
  });
});

describe("checkToolDeclarations", () => {
  const withParameters = (parameters: unknown) => ({
    contents: [user()],
    tools: [{ functionDeclarations: [{ name: "f", parameters }] }],
  });
  it.each([
    [
      "unknown schema key",
      { type: "OBJECT", properties: { a: { type: "STRING" } }, additionalProperties: false },
      /Unknown name "additionalProperties" at 'tools\[0\]\.function_declarations\[0\]\.parameters': Cannot find field\./,
    ],
    [
      "nested unknown key",
      { type: "OBJECT", properties: { a: { type: "NUMBER", exclusiveMinimum: 0 } } },
      /Unknown name "exclusiveMinimum" at 'tools\[0\]\.function_declarations\[0\]\.parameters\.properties\[0\]\.value'/,
    ],
    [
      "type array",
      { type: "OBJECT", properties: { a: { type: ["STRING", "NULL"] } } },
      /Proto field is not repeating, cannot start list/,
    ],
    [
      "numeric enum",
      { type: "OBJECT", properties: { a: { type: "INTEGER", enum: [1, 2] } } },
      /enum\[0\]' \(TYPE_STRING\)/,
    ],
    [
      "enum off STRING",
      { type: "OBJECT", properties: { a: { type: "NUMBER", enum: ["1"] } } },
      /only allowed for STRING type/,
    ],
    ["array without items", { type: "OBJECT", properties: { a: { type: "ARRAY" } } }, /items: missing field/],
    ["empty object properties", { type: "OBJECT", properties: {} }, /should be non-empty for OBJECT type/],
    [
      "required undefined",
      { type: "OBJECT", properties: { a: { type: "STRING" } }, required: ["b"] },
      /required\[0\]: property is not defined/,
    ],
  ])("rejects %s", (_label, parameters, message) => {
    expectRule(
      checkToolDeclarations,
      withParameters(parameters),
      withParameters({ type: "object", properties: { a: { type: "string", enum: ["x"] } }, required: ["a"] }),
      message,
    );
  });

  it("rejects illegal names and accepts legal ones", () => {
    const named = (name: string) => ({ contents: [user()], tools: declare(name) });
    expectRule(checkToolDeclarations, named("-A"), named("_A"), /Invalid function name/);
    expectRule(
      checkToolDeclarations,
      named("a".repeat(65)),
      named("mcp__server:tool.v1-x"),
      /Invalid function name/,
    );
  });

  it("caps declarations at 512", () => {
    const many = (count: number) => ({
      contents: [user()],
      tools: declare(...Array.from({ length: count }, (_, index) => `tool_${index}`)),
    });
    expectRule(checkToolDeclarations, many(513), many(512), /exceeds the maximum of 512/);
  });

  it("refuses parameters and parametersJsonSchema together, and JSON Schema on a model without it", () => {
    const declaration = (fields: Record<string, unknown>) => ({
      contents: [user()],
      tools: [{ functionDeclarations: [{ name: "f", ...fields }] }],
    });
    const jsonSchema = { type: "object", additionalProperties: false, properties: { a: { const: 1 } } };
    expectRule(
      checkToolDeclarations,
      declaration({
        parameters: { type: "OBJECT", properties: { a: { type: "STRING" } } },
        parametersJsonSchema: jsonSchema,
      }),
      declaration({ parametersJsonSchema: jsonSchema }),
      /mutually exclusive/,
    );
    expectRule(
      checkToolDeclarations,
      declaration({ parametersJsonSchema: jsonSchema }),
      declaration({ parameters: { type: "OBJECT", properties: { a: { type: "STRING" } } } }),
      /parameters_json_schema is not supported/,
      // No model served today lacks JSON Schema (2.0 Flash, the last, is retired); the rule stays
      // for one that does, so it is shown on a made-up model.
      contextWith({ ...lite25.model, id: "gemini-without-json-schema", supportsJsonSchema: false }),
    );
    for (const modelId of Object.keys(KNOWN_MODELS)) {
      expect(
        checkToolDeclarations(declaration({ parametersJsonSchema: jsonSchema }), contextFor(modelId)),
      ).toBe(undefined);
    }
  });
});

describe("findSchemaViolation", () => {
  const nest = (depth: number): Record<string, unknown> =>
    depth === 1 ? { type: "STRING" } : { type: "OBJECT", properties: { child: nest(depth - 1) } };
  it("refuses nesting deeper than 32", () => {
    expect(findSchemaViolation(nest(33), "p", { restrictStringFormats: false })?.message).toMatch(
      /nesting depth/,
    );
    expect(findSchemaViolation(nest(32), "p", { restrictStringFormats: false })).toBeUndefined();
  });
  it("restricts string formats on older models only", () => {
    const schema = { type: "STRING", format: "uri" };
    expect(findSchemaViolation(schema, "p", { restrictStringFormats: true })?.message).toMatch(/date-time/);
    expect(findSchemaViolation(schema, "p", { restrictStringFormats: false })).toBeUndefined();
  });
});

describe("checkToolConfig", () => {
  it("allows allowedFunctionNames only with ANY and declared names", () => {
    const body = (functionCallingConfig: unknown) => ({
      contents: [user()],
      tools: declare("Read"),
      toolConfig: { functionCallingConfig },
    });
    expectRule(
      checkToolConfig,
      body({ mode: "AUTO", allowedFunctionNames: ["Read"] }),
      body({ mode: "ANY", allowedFunctionNames: ["Read"] }),
      /only allowed when mode is ANY/,
    );
    expectRule(
      checkToolConfig,
      body({ mode: "ANY", allowedFunctionNames: ["Write"] }),
      body({ mode: "NONE" }),
      /not declared/,
    );
    expectRule(
      checkToolConfig,
      body({ mode: "REQUIRED" }),
      body({ mode: "AUTO" }),
      /FunctionCallingConfig\.Mode/,
    );
  });
});

describe("checkGenerationConfig", () => {
  const config = (generationConfig: unknown) => ({ contents: [user()], generationConfig });
  it.each([
    [{ maxOutputTokens: 128_000 }, { maxOutputTokens: 65_536 }, /maxOutputTokens value of 128000/],
    [{ temperature: 2.5 }, { temperature: 2 }, /temperature value of 2.5/],
    [{ topP: 1.5 }, { topP: 0.95 }, /topP value of 1.5/],
    [
      { stopSequences: ["a", "b", "c", "d", "e", "f"] },
      { stopSequences: ["a", "b", "c", "d", "e"] },
      /6 stop sequences/,
    ],
    [{ max_tokens: 5 }, { maxOutputTokens: 5 }, /Unknown name "max_tokens" at 'generation_config'/],
  ])("rejects %j", (bad, good, message) => {
    expectRule(checkGenerationConfig, config(bad), config(good), message);
  });
  it("uses the 32768 limit of 4 Xenon", () => {
    expectRule(
      checkGenerationConfig,
      config({ maxOutputTokens: 32_769 }),
      config({ maxOutputTokens: 32_768 }),
      "Unable to submit request because it has a maxOutputTokens value of 32769 but the supported range is from 1 (inclusive) to 32769 (exclusive). Update the value and try again.",
      contextFor("gemini-4-xenon"),
    );
    expect(checkGenerationConfig(config({ maxOutputTokens: 32_769 }), contextFor("gemini-3.8-flash"))).toBe(
      undefined,
    );
  });
});

describe("checkThinkingConfig", () => {
  const thinking = (thinkingConfig: unknown) => ({
    contents: [user()],
    generationConfig: { thinkingConfig },
  });
  it.each([
    [
      "gemini-3.1-pro-preview",
      { thinkingBudget: 0 },
      { thinkingBudget: 128 },
      "Budget 0 is invalid. This model only works in thinking mode.",
    ],
    [
      "gemini-3.1-pro-preview",
      { thinkingBudget: 40_000 },
      { thinkingBudget: -1 },
      "The thinking budget 40000 is invalid. Please choose a value of -1 or between 128 and 32768.",
    ],
    ["gemini-3-flash-preview", { thinkingBudget: 30_000 }, { thinkingBudget: 0 }, /between 1 and 24576/],
    [
      "gemini-2.5-flash-lite",
      { thinkingBudget: 30_000 },
      { thinkingBudget: 0 },
      "The thinking budget 30000 is invalid. Please choose a value of 0, -1 or between 512 and 24576.",
    ],
    ["gemini-2.5-flash-lite", { thinkingBudget: 100 }, { thinkingBudget: 512 }, /between 512 and 24576/],
    [
      "gemini-2.5-flash-lite",
      { thinkingLevel: "LOW" },
      { thinkingBudget: 1024 },
      "Thinking level is not supported for this model.",
    ],
    [
      "gemini-3.1-pro-preview",
      { thinkingLevel: "MINIMAL" },
      { thinkingLevel: "MEDIUM" },
      levelRefused("minimal", "low, medium, high"),
    ],
    [
      "gemini-3-flash-preview",
      { thinkingLevel: "LOW", thinkingBudget: 1024 },
      { thinkingLevel: "minimal" },
      /only one of thinking budget and thinking level/,
    ],
    [
      "gemini-3.1-pro-preview",
      { thinkingBudget: 0 },
      { thinkingBudget: 2048, includeThoughts: true },
      /Budget 0 is invalid/,
    ],
  ])("%s rejects %j", (modelId, bad, good, message) => {
    expectRule(checkThinkingConfig, thinking(bad), thinking(good), message, contextFor(modelId));
  });

  it("refuses any thinking on a model without it", () => {
    // None is served today (2.0 Flash, the last, is retired); the rule stays for one that has none.
    const none = contextWith({ ...lite25.model, id: "gemini-without-thinking", thinking: { style: "none" } });
    expectRule(
      checkThinkingConfig,
      thinking({ thinkingBudget: 1024 }),
      thinking({ thinkingBudget: 0 }),
      "Thinking is not supported for models/gemini-without-thinking.",
      none,
    );
  });

  it("3.8 Flash refuses MINIMAL and takes LOW, MEDIUM and HIGH (and a budget)", () => {
    expectRule(
      checkThinkingConfig,
      thinking({ thinkingLevel: "MINIMAL" }),
      thinking({ thinkingLevel: "LOW" }),
      "'minimal' is not a supported thinking level for this model. Allowed values are: low, medium, high",
      contextFor("gemini-3.8-flash"),
    );
    for (const good of [{ thinkingLevel: "MEDIUM" }, { thinkingLevel: "high" }, { thinkingBudget: 4096 }]) {
      expect(checkThinkingConfig(thinking(good), contextFor("gemini-3.8-flash"))).toBeUndefined();
    }
  });

  it.each(GEMINI_4)("%s refuses every thinkingBudget and takes its levels", (modelId) => {
    const context = contextFor(modelId);
    for (const budget of [-1, 0, 128, 1024, 32_768]) {
      expectRule(
        checkThinkingConfig,
        thinking({ thinkingBudget: budget }),
        thinking({ thinkingLevel: "HIGH" }),
        BUDGET_REFUSED,
        context,
      );
    }
    for (const level of ["LOW", "MEDIUM", "HIGH"]) {
      expect(checkThinkingConfig(thinking({ thinkingLevel: level }), context)).toBeUndefined();
    }
    expect(checkThinkingConfig(thinking({ thinkingLevel: "MINIMAL" }), context)?.message).toMatch(
      /^'minimal' is not a supported thinking level for this model\./,
    );
  });

  it("takes XHIGH on 4 Hydrogen and 4 Neon only", () => {
    for (const modelId of ["gemini-4-hydrogen", "gemini-4-neon"]) {
      expect(checkThinkingConfig(thinking({ thinkingLevel: "XHIGH" }), contextFor(modelId))).toBeUndefined();
    }
    for (const modelId of ["gemini-4-argon", "gemini-4-carbon"]) {
      expectRule(
        checkThinkingConfig,
        thinking({ thinkingLevel: "XHIGH" }),
        thinking({ thinkingLevel: "HIGH" }),
        levelRefused("xhigh", "low, medium, high"),
        contextFor(modelId),
      );
    }
  });

  it("4 Xenon refuses LOW and any budget, and takes MEDIUM, HIGH and XHIGH", () => {
    const xenon = contextFor("gemini-4-xenon");
    expectRule(
      checkThinkingConfig,
      thinking({ thinkingLevel: "LOW" }),
      thinking({ thinkingLevel: "MEDIUM" }),
      levelRefused("low", "medium, high, xhigh"),
      xenon,
    );
    expectRule(
      checkThinkingConfig,
      thinking({ thinkingBudget: 1024 }),
      thinking({ thinkingLevel: "XHIGH" }),
      BUDGET_REFUSED,
      xenon,
    );
    expect(checkThinkingConfig(thinking({ thinkingLevel: "HIGH" }), xenon)).toBeUndefined();
  });
});

describe("the model table", () => {
  it.each(RETIRED)("no longer serves the retired %s", (modelId) => {
    expect(Object.hasOwn(KNOWN_MODELS, modelId)).toBe(false);
    expect(findKnownModel(modelId)).toBeUndefined();
    expect(findKnownModel(`models/${modelId}`)).toBeUndefined();
  });
});

describe("checkThoughtSignatures", () => {
  const step = (signature?: string) => ({
    role: "model",
    parts: [signature ? call("Bash", { thoughtSignature: signature }) : call("Bash"), call("Read")],
  });
  const replies = { role: "user", parts: [response("Bash"), response("Read")] };
  it("wants a signature on the first call of each step of the current turn (Gemini 3)", () => {
    const bad = { contents: [user(), step(ISSUED), replies, step(), replies] };
    const rejection = checkThoughtSignatures(bad, pro3);
    expect(rejection?.message).toBe(
      "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:Bash` , position 3. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
    );
    expect(
      checkThoughtSignatures(
        { contents: [user(), step(ISSUED), replies, step(SIGNATURE_PLACEHOLDER), replies] },
        pro3,
      ),
    ).toBeUndefined();
  });
  it("does not require signatures before the current turn, nor on 2.5", () => {
    const history = { contents: [user(), step(), replies, user("next question")] };
    expect(checkThoughtSignatures(history, pro3)).toBeUndefined();
    expect(checkThoughtSignatures({ contents: [user(), step(), replies] }, lite25)).toBeUndefined();
    expect(checkThoughtSignatures({ contents: [user(), step(), replies] }, pro3)?.message).toMatch(
      /missing a thought_signature/,
    );
  });
  it("refuses a signature it never issued, anywhere, on any model", () => {
    const made = {
      contents: [user(), { role: "model", parts: [{ text: "x", thoughtSignature: "bWFkZS11cA==" }] }, user()],
    };
    expect(checkThoughtSignatures(made, lite25)?.message).toBe("Corrupted thought signature.");
    const issued = {
      contents: [user(), { role: "model", parts: [{ text: "x", thoughtSignature: ISSUED }] }, user()],
    };
    expect(checkThoughtSignatures(issued, lite25)).toBeUndefined();
  });
});

describe("checkFunctionResponseParts", () => {
  it("takes media in function responses only on Gemini 3", () => {
    const body = {
      contents: [
        user(),
        { role: "model", parts: [call("Read")] },
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                name: "Read",
                response: { output: "image" },
                parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
              },
            },
          ],
        },
      ],
    };
    expect(checkFunctionResponseParts(body, lite25)?.message).toMatch(
      /multimodal function responses are not supported/,
    );
    expect(checkFunctionResponseParts(body, pro3)).toBeUndefined();
  });
});
