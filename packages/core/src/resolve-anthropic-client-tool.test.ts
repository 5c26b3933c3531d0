import { describe, expect, it } from "vitest";
import type { ToolParam } from "./anthropic-api.js";
import { convertJsonSchema } from "./convert-json-schema.js";
import { type AnthropicClientToolType, resolveAnthropicClientTool } from "./resolve-anthropic-client-tool.js";

type Properties = Record<string, { enum?: string[] }>;

function resolve(tool: Partial<ToolParam> & { type: string }) {
  const resolved = resolveAnthropicClientTool({ name: "tool", ...tool } as ToolParam);
  if (resolved === undefined) throw new Error(`${tool.type} did not resolve`);
  return { ...resolved, properties: resolved.inputSchema.properties as Properties };
}

const EDITOR = ["view", "create", "str_replace", "insert"];
const COMPUTER_2024 = [
  "key",
  "type",
  "mouse_move",
  "left_click",
  "left_click_drag",
  "right_click",
  "middle_click",
  "double_click",
  "screenshot",
  "cursor_position",
];
const COMPUTER_2025 = [
  ...COMPUTER_2024,
  "left_mouse_down",
  "left_mouse_up",
  "scroll",
  "hold_key",
  "wait",
  "triple_click",
];

describe("resolveAnthropicClientTool", () => {
  it.each<[AnthropicClientToolType, string, string[] | undefined, string[]]>([
    ["bash_20241022", "command", undefined, []],
    ["bash_20250124", "command", undefined, []],
    ["text_editor_20241022", "command", [...EDITOR, "undo_edit"], ["command", "path"]],
    ["text_editor_20250124", "command", [...EDITOR, "undo_edit"], ["command", "path"]],
    ["text_editor_20250429", "command", EDITOR, ["command", "path"]],
    ["text_editor_20250728", "command", EDITOR, ["command", "path"]],
    [
      "memory_20250818",
      "command",
      ["view", "create", "str_replace", "insert", "delete", "rename"],
      ["command"],
    ],
    ["computer_20241022", "action", COMPUTER_2024, ["action"]],
    ["computer_20250124", "action", COMPUTER_2025, ["action"]],
    ["computer_20251124", "action", COMPUTER_2025, ["action"]],
  ])("declares %s with its %s values", (type, key, values, required) => {
    const { inputSchema, properties, description } = resolve({ type });
    expect(inputSchema.type).toBe("object");
    expect(inputSchema.required ?? []).toEqual(required);
    expect(properties[key]).toBeDefined();
    expect(properties[key]?.enum).toEqual(values);
    expect(description.length).toBeGreaterThan(40);
  });

  it("gives the memory tool the parameters of each command", () => {
    expect(Object.keys(resolve({ type: "memory_20250818" }).properties).sort()).toEqual(
      [
        "command",
        "file_text",
        "insert_line",
        "insert_text",
        "new_path",
        "new_str",
        "old_path",
        "old_str",
        "path",
        "view_range",
      ].sort(),
    );
  });

  it("offers zoom only on computer_20251124 with enable_zoom, with its region", () => {
    const without = resolve({ type: "computer_20251124" });
    expect(without.properties.action?.enum).not.toContain("zoom");
    expect(without.properties.region).toBeUndefined();
    const withZoom = resolve({ type: "computer_20251124", enable_zoom: true });
    expect(withZoom.properties.action?.enum).toContain("zoom");
    expect(withZoom.properties.region).toBeDefined();
    // The older version has no zoom, whatever the request says.
    expect(resolve({ type: "computer_20250124", enable_zoom: true }).properties.action?.enum).not.toContain(
      "zoom",
    );
  });

  it("tells the model the display size, which only the request knows", () => {
    const { description } = resolve({
      type: "computer_20250124",
      display_width_px: 1024,
      display_height_px: 768,
    });
    expect(description).toContain("1024x768 pixels");
    expect(resolve({ type: "computer_20250124" }).description).not.toContain("pixels.");
  });

  it.each([
    ["a custom tool", { name: "Bash", input_schema: { type: "object" } }],
    ["web search", { name: "web_search", type: "web_search_20250305" }],
    ["code execution", { name: "code_execution", type: "code_execution_20250825" }],
    ["a toolset", { name: "computer_toolset_20260801", type: "computer_toolset_20260801" }],
    ["an unknown version", { name: "bash", type: "bash_20990101" }],
  ])("leaves %s alone", (_label, tool) => {
    expect(resolveAnthropicClientTool(tool as ToolParam)).toBeUndefined();
  });

  it.each(["parametersJsonSchema", "parameters"] as const)(
    "writes schemas the compiler takes for %s without dropping a keyword",
    (target) => {
      for (const type of [
        "bash_20250124",
        "text_editor_20241022",
        "text_editor_20250728",
        "memory_20250818",
        "computer_20251124",
      ]) {
        const { inputSchema } = resolve({ type, enable_zoom: true });
        const compiled = convertJsonSchema(inputSchema, { target });
        expect(compiled.warnings, `${type} → ${target}`).toEqual([]);
      }
    },
  );
});
