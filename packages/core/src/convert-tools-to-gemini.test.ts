import { describe, expect, it } from "vitest";
import type { ToolChoice, ToolParam } from "./anthropic-api.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { createToolNameMap } from "./convert-tool-name.js";
import { convertToolsToGemini, type SchemaConverter } from "./convert-tools-to-gemini.js";
import type { ModelCapabilities } from "./model-capabilities.js";
import { resolveModel } from "./resolve-model.js";
import { validateMessagesRequest } from "./validate-messages-request.js";

const GEMINI_2_5 = resolveModel("gemini-2.5-flash-lite").capabilities;
const LEGACY: ModelCapabilities = { ...GEMINI_2_5, supportsJsonSchema: false };

/** Records the targets it was asked for and tags what it returns, so tests see which field got it. */
function createRecordingCompiler() {
  const targets: string[] = [];
  const compiler: SchemaConverter = {
    convert(schema, options) {
      targets.push(options.target);
      return {
        value: { ...(schema as Record<string, unknown>), compiledFor: options.target },
        warnings: ["note"],
      };
    },
  };
  return { compiler, targets };
}

function convert(
  tools: ToolParam[],
  toolChoice?: ToolChoice,
  capabilities: ModelCapabilities = GEMINI_2_5,
  compiler = createRecordingCompiler().compiler,
) {
  return convertToolsToGemini(tools, toolChoice, {
    toolNames: createToolNameMap(tools.map((tool) => tool.name)),
    capabilities,
    schemaCompiler: compiler,
  });
}

const bash: ToolParam = {
  name: "Bash",
  description: "Run a command",
  input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  cache_control: { type: "ephemeral" },
  defer_loading: true,
  strict: true,
  eager_input_streaming: true,
  input_examples: [{ command: "ls" }],
};

describe("convertToolsToGemini", () => {
  it("puts every custom tool in one Tool, stripping Anthropic-only knobs", () => {
    const { value, warnings } = convert([bash, { name: "my tool", type: "custom" }]);
    expect(value).toMatchInlineSnapshot(`
      {
        "tools": [
          {
            "functionDeclarations": [
              {
                "description": "Run a command",
                "name": "Bash",
                "parametersJsonSchema": {
                  "compiledFor": "parametersJsonSchema",
                  "properties": {
                    "command": {
                      "type": "string",
                    },
                  },
                  "required": [
                    "command",
                  ],
                  "type": "object",
                },
              },
              {
                "name": "my_tool",
              },
            ],
          },
        ],
      }
    `);
    expect(warnings).toEqual(["tools.0 (Bash): note"]);
  });

  it.each([
    [GEMINI_2_5, "parametersJsonSchema"],
    [LEGACY, "parameters"],
  ] as const)("compiles schemas for the field the model takes (%#)", (capabilities, field) => {
    const { compiler, targets } = createRecordingCompiler();
    const declaration = convert([bash], undefined, capabilities, compiler).value.tools?.[0]
      ?.functionDeclarations?.[0];
    expect(targets).toEqual([field]);
    expect(Object.keys(declaration ?? {})).toContain(field);
  });

  it("omits `parameters` for an object without properties (Gemini rejects an empty OBJECT)", () => {
    const placeholder: ToolParam = {
      name: "DeferredToolPlaceholder",
      input_schema: { type: "object", properties: {} },
    };
    const declaration = convert([placeholder], undefined, LEGACY).value.tools?.[0]?.functionDeclarations?.[0];
    expect(declaration).toEqual({ name: "DeferredToolPlaceholder" });
  });

  it("drops server tools it cannot serve and duplicate names, and reports them", () => {
    const { value, warnings, dropped } = convert([
      { name: "web_search", type: "web_search_20250305", max_uses: 5 },
      { name: "code_execution", type: "code_execution_20250825" },
      bash,
      { ...bash, description: "again" },
    ]);
    expect(value.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual(["Bash"]);
    expect(warnings).toEqual(["tools.2 (Bash): note"]);
    expect(dropped).toMatchInlineSnapshot(`
      [
        {
          "feature": "tool:code_execution_20250825",
          "message": "tools.1: the tool "code_execution" (code_execution_20250825) was dropped; the proxy cannot serve it on Gemini.",
        },
        {
          "feature": "tool:duplicate_name",
          "message": "tools.3: a second tool named "Bash" was dropped.",
        },
      ]
    `);
  });

  it("declares Anthropic-defined client tools as functions under the name the request gave", () => {
    const { compiler, targets } = createRecordingCompiler();
    const { value, dropped } = convert(
      [
        { name: "bash", type: "bash_20250124" },
        { name: "str_replace_based_edit_tool", type: "text_editor_20250728", max_characters: 1000 },
        { name: "memory", type: "memory_20250818" },
        { name: "computer", type: "computer_20250124", display_width_px: 1280, display_height_px: 800 },
      ],
      { type: "tool", name: "str_replace_based_edit_tool" },
      GEMINI_2_5,
      compiler,
    );
    expect(dropped).toEqual([]);
    const declarations = value.tools?.[0]?.functionDeclarations ?? [];
    expect(declarations.map((declaration) => declaration.name)).toEqual([
      "bash",
      "str_replace_based_edit_tool",
      "memory",
      "computer",
    ]);
    // Each goes through the schema compiler like any client schema.
    expect(targets).toEqual(Array(4).fill("parametersJsonSchema"));
    expect(declarations[1]?.parametersJsonSchema).toMatchObject({
      required: ["command", "path"],
      properties: { command: { enum: ["view", "create", "str_replace", "insert"] } },
    });
    expect(declarations[3]?.description).toContain("1280x800 pixels");
    expect(value.toolConfig?.functionCallingConfig).toEqual({
      mode: "ANY",
      allowedFunctionNames: ["str_replace_based_edit_tool"],
    });
  });

  it.each<[ToolChoice, unknown]>([
    [{ type: "auto" }, { mode: "AUTO" }],
    [{ type: "any" }, { mode: "ANY" }],
    [
      { type: "tool", name: "my tool" },
      { mode: "ANY", allowedFunctionNames: ["my_tool"] },
    ],
    [{ type: "none" }, { mode: "NONE" }],
  ])("maps tool_choice %j", (toolChoice, expected) => {
    const { value } = convert([bash, { name: "my tool" }], toolChoice);
    expect(value.toolConfig?.functionCallingConfig).toEqual(expected);
    // `none` keeps the declarations so history with calls stays valid.
    expect(value.tools?.[0]?.functionDeclarations).toHaveLength(2);
  });

  it("omits toolConfig without tool_choice", () => {
    expect(convert([bash]).value.toolConfig).toBeUndefined();
  });

  it("reports that disable_parallel_tool_use cannot be enforced", () => {
    const { dropped } = convert([bash], { type: "auto", disable_parallel_tool_use: true });
    expect(dropped).toContainEqual({
      feature: "tool_choice.disable_parallel_tool_use",
      message:
        "tool_choice.disable_parallel_tool_use cannot be enforced by Gemini; the model may still call tools in parallel.",
    });
  });

  it("rejects a tool_choice naming an undeclared tool", () => {
    expect(() => convert([bash], { type: "tool", name: "Write" })).toThrowError(
      expect.objectContaining({ name: "InvalidRequestError", path: "tool_choice.name" }),
    );
  });

  it("returns nothing when no custom tools are left", () => {
    const { value, warnings } = convert([{ name: "web_search", type: "web_search_20250305" }], {
      type: "any",
    });
    expect(value).toEqual({});
    expect(warnings.at(-1)).toBe('tool_choice "any" was ignored: no functions are declared.');
  });

  it("accepts 512 tools and rejects 513 naming `tools`", () => {
    const tools = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `tool_${index}` }));
    expect(convert(tools(512)).value.tools?.[0]?.functionDeclarations).toHaveLength(512);
    expect(() => convert(tools(513))).toThrowError(
      expect.objectContaining({ name: "InvalidRequestError", path: "tools" }),
    );
  });
});

describe("versioned toolsets", () => {
  it("validate without a name and are reported as not served", () => {
    const request = validateMessagesRequest({
      model: "gemini-2.5-flash-lite",
      max_tokens: 100,
      messages: [{ role: "user", content: "Open the settings." }],
      tools: [{ type: "computer_toolset_20260801", configs: { zoom: { enabled: false } } }, bash],
    });
    expect(request.tools?.[0]).toMatchObject({
      type: "computer_toolset_20260801",
      name: "computer_toolset_20260801",
    });
    const { value, dropped } = convertToGeminiRequest(request);
    expect(value.config?.tools).toEqual([
      { functionDeclarations: [expect.objectContaining({ name: "Bash" })] },
    ]);
    expect(dropped).toEqual([
      {
        feature: "tool:computer_toolset_20260801",
        message: expect.stringContaining("(computer_toolset_20260801) was dropped"),
      },
    ]);
  });

  it("still needs a name when the type is not a toolset", () => {
    expect(() =>
      validateMessagesRequest({
        model: "gemini-2.5-flash-lite",
        max_tokens: 100,
        messages: [{ role: "user", content: "Hi" }],
        tools: [{ type: "bash_20250124" }],
      }),
    ).toThrow(/tools\.0\.name/);
  });
});
