import type { ContentBlockParam } from "./anthropic-api.js";

type ServerToolBlock = Extract<ContentBlockParam, { type: "server_tool_use" | "web_search_tool_result" }>;

/** At most this many results are listed per search, to keep history compact. */
const MAX_LISTED_RESULTS = 20;

function describeInput(input: unknown): string {
  if (typeof input === "object" && input !== null && "query" in input) {
    const query = (input as { query?: unknown }).query;
    if (typeof query === "string") return `for: ${query}`;
  }
  return `with input ${JSON.stringify(input ?? {})}`;
}

function describeResults(content: unknown): string {
  if (!Array.isArray(content)) {
    // `{ type: "web_search_tool_result_error", error_code }` is the failure shape.
    const code = (content as { error_code?: unknown } | null)?.error_code;
    return `Web search failed${typeof code === "string" ? ` (${code})` : ""}.`;
  }
  const lines: string[] = [];
  for (const result of content.slice(0, MAX_LISTED_RESULTS)) {
    const { url, title } = (result ?? {}) as { url?: unknown; title?: unknown };
    if (typeof url !== "string") continue;
    lines.push(typeof title === "string" && title !== "" ? `- ${title} (${url})` : `- ${url}`);
  }
  const more = content.length > MAX_LISTED_RESULTS ? `\n(${content.length - MAX_LISTED_RESULTS} more)` : "";
  return lines.length > 0
    ? `Web search results:\n${lines.join("\n")}${more}`
    : "Web search returned no results.";
}

/**
 * Turns a `server_tool_use` or `web_search_tool_result` block from history into a short text,
 * so the model still knows what it searched for and found in earlier turns. Gemini cannot take
 * the blocks themselves (its own search results are not replayable), and dropping them would
 * leave answers citing pages the model no longer knows about. Encrypted page content is
 * Anthropic's and unreadable here, so only titles and URLs are kept.
 */
export function describeServerToolBlock(block: ServerToolBlock): string {
  if (block.type === "server_tool_use")
    return `[Used the server tool "${block.name}" ${describeInput(block.input)}]`;
  return `[${describeResults(block.content)}]`;
}
