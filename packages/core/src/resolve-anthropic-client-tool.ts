/**
 * Anthropic-defined client tools → what a Gemini function declaration needs.
 *
 * Claude knows these tools without a schema: the request names only a versioned `type`
 * (`bash_20250124`, `text_editor_20250728`…) and the client runs the calls itself. Gemini knows
 * none of them, so each gets a description and a JSON Schema written here from Anthropic's
 * documentation, and the calls come back as ordinary `tool_use` blocks with the name the
 * request gave (`bash`, `str_replace_based_edit_tool`…), which is what the client dispatches on.
 *
 * Sources (input parameters of each command or action):
 * - bash: https://platform.claude.com/docs/en/agents-and-tools/tool-use/bash-tool
 * - text editor: https://platform.claude.com/docs/en/agents-and-tools/tool-use/text-editor-tool
 *   (`undo_edit` only before `text_editor_20250429`; `insert` takes `insert_line` and `new_str`
 *   as documented and as the Vercel AI SDK and LangChain clients parse it)
 * - memory: https://platform.claude.com/docs/en/agents-and-tools/tool-use/memory-tool
 *   (commands as typed in `@anthropic-ai/sdk` `BetaMemoryTool20250818Command`)
 * - computer use: https://platform.claude.com/docs/en/agents-and-tools/tool-use/computer-use-tool
 *   (`computer_20241022` actions; `computer_20250124` adds mouse down/up, scroll, hold_key, wait
 *   and triple_click; `computer_20251124` adds `zoom` when the tool sets `enable_zoom`)
 *
 * The tool's own settings that the model must know go into the description: the display size
 * of the computer tool. Settings only the client acts on (`max_characters`, `display_number`)
 * are not sent. The versioned toolsets (`computer_toolset_20260801`, `browser_toolset_20260801`)
 * are families of tools with per-member `tool_use` blocks and are not served here.
 */
import type { ToolParam } from "./anthropic-api.js";

/** Every Anthropic-defined client tool type served as a Gemini function. */
export type AnthropicClientToolType =
  | "bash_20241022"
  | "bash_20250124"
  | "text_editor_20241022"
  | "text_editor_20250124"
  | "text_editor_20250429"
  | "text_editor_20250728"
  | "memory_20250818"
  | "computer_20241022"
  | "computer_20250124"
  | "computer_20251124";

/** What the function declaration of an Anthropic-defined tool carries besides its name. */
export interface AnthropicClientToolDefinition {
  description: string;
  inputSchema: Record<string, unknown>;
}

type ToolFamily = "bash" | "text_editor" | "memory" | "computer";

/** Which family each version belongs to and what that version can do. */
interface ToolVersion {
  family: ToolFamily;
  /** Text editor: the commands this version knows. */
  commands?: readonly string[];
  /** Computer use: the actions this version knows (`zoom` is added when enabled). */
  actions?: readonly string[];
  /** Computer use: the version has a `zoom` action behind `enable_zoom`. */
  zoom?: boolean;
}

const EDITOR_COMMANDS = ["view", "create", "str_replace", "insert"] as const;
const COMPUTER_ACTIONS_2024 = [
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
] as const;
const COMPUTER_ACTIONS_2025 = [
  ...COMPUTER_ACTIONS_2024,
  "left_mouse_down",
  "left_mouse_up",
  "scroll",
  "hold_key",
  "wait",
  "triple_click",
] as const;

const TOOL_VERSIONS = {
  bash_20241022: { family: "bash" },
  bash_20250124: { family: "bash" },
  text_editor_20241022: { family: "text_editor", commands: [...EDITOR_COMMANDS, "undo_edit"] },
  text_editor_20250124: { family: "text_editor", commands: [...EDITOR_COMMANDS, "undo_edit"] },
  text_editor_20250429: { family: "text_editor", commands: EDITOR_COMMANDS },
  text_editor_20250728: { family: "text_editor", commands: EDITOR_COMMANDS },
  memory_20250818: { family: "memory" },
  computer_20241022: { family: "computer", actions: COMPUTER_ACTIONS_2024 },
  computer_20250124: { family: "computer", actions: COMPUTER_ACTIONS_2025 },
  computer_20251124: { family: "computer", actions: COMPUTER_ACTIONS_2025, zoom: true },
} as const satisfies Record<AnthropicClientToolType, ToolVersion>;

const string = (description: string) => ({ type: "string", description });
const integer = (description: string) => ({ type: "integer", description });
const point = (description: string) => ({
  type: "array",
  description,
  items: { type: "integer" },
  minItems: 2,
  maxItems: 2,
});

function describeBash(): AnthropicClientToolDefinition {
  return {
    description:
      "Runs a command in a persistent bash session on the user's machine and returns its output. The working directory, environment variables and files persist between calls. Do not start interactive programs (editors, pagers, password prompts). To start over with a fresh session, call with restart set to true instead of a command.",
    inputSchema: {
      type: "object",
      properties: {
        command: string("The bash command to run. Required unless restart is true."),
        restart: { type: "boolean", description: "Set to true to restart the bash session." },
      },
    },
  };
}

function describeTextEditor(commands: readonly string[]): AnthropicClientToolDefinition {
  const undo = commands.includes("undo_edit") ? " undo_edit reverts the last edit of the file at path." : "";
  return {
    description: `Views, creates and edits text files on the user's machine. view shows a file with line numbers (optionally only view_range) or lists a directory. create writes file_text to a new file. str_replace replaces old_str, which must match exactly once in the file including whitespace, with new_str. insert puts new_str after line insert_line (0 inserts at the top).${undo}`,
    inputSchema: {
      type: "object",
      properties: {
        command: { type: "string", enum: [...commands], description: "The command to run." },
        path: string("Absolute path of the file or directory."),
        file_text: string("create: the content of the new file."),
        old_str: string("str_replace: the exact text to replace; it must occur exactly once."),
        new_str: string("str_replace: the replacement text. insert: the text to insert."),
        insert_line: integer("insert: the line after which new_str is inserted; 0 inserts at the top."),
        view_range: {
          type: "array",
          description:
            "view: the first and last line to show, 1-based; [start, -1] shows from start to the end.",
          items: { type: "integer" },
          minItems: 2,
          maxItems: 2,
        },
      },
      required: ["command", "path"],
    },
  };
}

function describeMemory(): AnthropicClientToolDefinition {
  return {
    description:
      "Reads and writes files in a memory directory, /memories, that persists across conversations. Look at /memories before starting a task and record progress and lessons that a later conversation will need. view shows a file with line numbers (optionally only view_range) or lists a directory. create writes file_text to a new file. str_replace replaces old_str, which must match exactly once, with new_str. insert puts insert_text after line insert_line. delete removes a file or directory. rename moves old_path to new_path. Every path starts with /memories.",
    inputSchema: {
      type: "object",
      properties: {
        command: {
          type: "string",
          enum: ["view", "create", "str_replace", "insert", "delete", "rename"],
          description: "The command to run.",
        },
        path: string("The file or directory, under /memories (all commands but rename)."),
        view_range: {
          type: "array",
          description: "view: the first and last line to show, 1-based.",
          items: { type: "integer" },
          minItems: 2,
          maxItems: 2,
        },
        file_text: string("create: the content of the new file."),
        old_str: string("str_replace: the exact text to replace."),
        new_str: string("str_replace: the replacement text."),
        insert_line: integer("insert: the line after which insert_text is inserted."),
        insert_text: string("insert: the text to insert."),
        old_path: string("rename: the current path."),
        new_path: string("rename: the new path."),
      },
      required: ["command"],
    },
  };
}

function describeComputer(version: ToolVersion, tool: ToolParam): AnthropicClientToolDefinition {
  const zoom = version.zoom === true && tool.enable_zoom === true;
  const actions = [...(version.actions ?? []), ...(zoom ? ["zoom"] : [])];
  const width = tool.display_width_px;
  const height = tool.display_height_px;
  const screen =
    typeof width === "number" && typeof height === "number"
      ? `The screen is ${width}x${height} pixels. `
      : "";
  const properties: Record<string, unknown> = {
    action: { type: "string", enum: actions, description: "The action to perform." },
    coordinate: point(
      "[x, y] in pixels from the top-left corner: where to click, move, scroll, or end a drag.",
    ),
    start_coordinate: point("left_click_drag: [x, y] where the drag starts."),
    text: string(
      actions.includes("hold_key")
        ? "type: the text to type. key and hold_key: the key or combination, e.g. ctrl+s. Click and scroll actions: keys to hold down during the action."
        : "type: the text to type. key: the key or combination, e.g. ctrl+s.",
    ),
  };
  if (actions.includes("scroll")) {
    properties.scroll_direction = {
      type: "string",
      enum: ["up", "down", "left", "right"],
      description: "scroll: the direction.",
    };
    properties.scroll_amount = integer("scroll: how many wheel clicks.");
  }
  if (actions.includes("wait")) {
    properties.duration = { type: "number", description: "wait and hold_key: how long, in seconds." };
  }
  if (zoom) {
    properties.region = {
      type: "array",
      description: "zoom: [x0, y0, x1, y1], the rectangle of the screen to look at closely.",
      items: { type: "integer" },
      minItems: 4,
      maxItems: 4,
    };
  }
  return {
    description: `Controls the user's computer through its screen, mouse and keyboard. ${screen}Coordinates are pixels from the top-left corner. Take a screenshot to see the screen before acting and after actions whose result matters; every action answers with text or a screenshot.`,
    inputSchema: { type: "object", properties, required: ["action"] },
  };
}

function isClientToolType(type: string): type is AnthropicClientToolType {
  return Object.hasOwn(TOOL_VERSIONS, type);
}

/**
 * The description and input schema to declare an Anthropic-defined client tool with, or
 * `undefined` when `tool` is not one (a custom tool, a server tool, an unknown version).
 *
 * @example
 * resolveAnthropicClientTool({ type: "bash_20250124", name: "bash" });
 * // { description: "Runs a command in a persistent bash session…", inputSchema: { type: "object", … } }
 */
export function resolveAnthropicClientTool(tool: ToolParam): AnthropicClientToolDefinition | undefined {
  const type = tool.type;
  if (typeof type !== "string" || !isClientToolType(type)) return undefined;
  const version: ToolVersion = TOOL_VERSIONS[type];
  switch (version.family) {
    case "bash":
      return describeBash();
    case "text_editor":
      return describeTextEditor(version.commands ?? EDITOR_COMMANDS);
    case "memory":
      return describeMemory();
    case "computer":
      return describeComputer(version, tool);
    default: {
      const unknown: never = version.family;
      throw new Error(`Unknown tool family ${String(unknown)}`);
    }
  }
}
