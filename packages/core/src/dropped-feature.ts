/**
 * Something the client asked for that the proxy could not serve: a tool, an output format, a
 * content block, a setting. Converters return these apart from their `warnings`, which are
 * lossy-but-harmless notes (a schema keyword simplified, a budget clamped, a repaired history),
 * so a host can tell the client and log them at a level people see without drowning every
 * ordinary request in notes.
 */
export interface DroppedFeature {
  /**
   * A short name of what was dropped, for a response header and for counting:
   * `tool:code_execution_20250825`, `web_search`, `output_config.format`, `block:document`,
   * `part:executableCode`, `tool_choice.disable_parallel_tool_use`. May contain client-supplied
   * text (a tool type), so a host must sanitize it before it goes into a header.
   */
  feature: string;
  /** What happened and why, naming where in the request it was. */
  message: string;
}
