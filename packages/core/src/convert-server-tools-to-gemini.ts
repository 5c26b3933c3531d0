/**
 * Anthropic server tools → Gemini built-in tools.
 *
 * Specs: https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool,
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-fetch-tool,
 * https://ai.google.dev/gemini-api/docs/google-search, https://ai.google.dev/gemini-api/docs/url-context.
 *
 * Choices, since Gemini's knobs are not Anthropic's:
 * - `web_search_*` → `{ googleSearch: {} }`; `web_fetch_*` → `{ urlContext: {} }`.
 * - `max_uses` and `max_content_tokens` cannot be enforced (Gemini decides how often to search):
 *   a warning.
 * - `user_location` has no Gemini field: a warning.
 * - `blocked_domains` → `googleSearch.excludeDomains` where the backend has it (Vertex AI; the
 *   typings say the Gemini API does not). Elsewhere, and for `allowed_domains` everywhere, the
 *   filter is applied to what comes back: results and citations from other domains are removed
 *   (`filterWebSearchSources`), with a warning that the model may still have read them. Refusing
 *   would break Claude Code, whose WebSearch tool forwards domain filters the model chose.
 * - Other server tools (bash, text editor, code execution…) are left to `convertToolsToGemini`,
 *   which drops them with a warning.
 */
import type { ToolParam } from "./anthropic-api.js";
import type { GeminiTool } from "./gemini-api.js";

/** Domain filters of the request's web search, applied to the results on the way back. */
export interface WebSearchDomainFilter {
  /** When non-empty, only results from these domains (or their subdomains) are kept. */
  allowedDomains: readonly string[];
  /** Results from these domains (or their subdomains) are removed. */
  blockedDomains: readonly string[];
}

export interface ConvertServerToolsOptions {
  /** The backend takes `googleSearch.excludeDomains` (Vertex AI). Default false (Gemini API). */
  supportsExcludeDomains?: boolean;
}

export interface ConvertedServerTools {
  /** Built-in Gemini tools, one entry each; empty when the request has none we can serve. */
  tools: GeminiTool[];
  /** Anthropic names of the server tools converted (e.g. `web_search`), for `tool_choice`. */
  names: string[];
  /** Set when a domain filter must be applied to the grounding results. */
  domainFilter: WebSearchDomainFilter | undefined;
}

/** Whether `tool` is a server tool this module turns into a Gemini built-in tool. */
export function isGeminiServerTool(tool: ToolParam): boolean {
  return serverToolKind(tool) !== undefined;
}

function serverToolKind(tool: ToolParam): "web_search" | "web_fetch" | undefined {
  const type = tool.type ?? "";
  if (type.startsWith("web_search_")) return "web_search";
  if (type.startsWith("web_fetch_")) return "web_fetch";
  return undefined;
}

/**
 * Picks the server tools Gemini can serve out of `tools` and converts them, one Gemini tool
 * per kind (a second `web_search` tool adds nothing). See the file header for every choice.
 *
 * @example
 * convertServerToolsToGemini([{ type: "web_search_20250305", name: "web_search", max_uses: 5 }]);
 * // { value: { tools: [{ googleSearch: {} }], names: ["web_search"], domainFilter: undefined }, warnings: [...] }
 */
export function convertServerToolsToGemini(
  tools: readonly ToolParam[] | null | undefined,
  options: ConvertServerToolsOptions = {},
): { value: ConvertedServerTools; warnings: string[] } {
  const warnings: string[] = [];
  const value: ConvertedServerTools = { tools: [], names: [], domainFilter: undefined };
  const allowed: string[] = [];
  const blocked: string[] = [];
  const seenKinds = new Set<string>();

  (tools ?? []).forEach((tool, index) => {
    const kind = serverToolKind(tool);
    if (kind === undefined) return;
    const path = `tools.${index}`;
    value.names.push(tool.name);
    if (tool.max_uses != null) {
      warnings.push(
        `${path}.max_uses cannot be enforced by Gemini; the model decides how often it searches.`,
      );
    }
    if (tool.max_content_tokens != null) {
      warnings.push(`${path}.max_content_tokens cannot be enforced by Gemini's URL context tool.`);
    }
    if (tool.user_location != null) {
      warnings.push(
        `${path}.user_location was ignored: Gemini's Google Search tool has no location setting.`,
      );
    }
    const toolAllowed = (tool.allowed_domains ?? []).map(normalizeDomain).filter(Boolean);
    const toolBlocked = (tool.blocked_domains ?? []).map(normalizeDomain).filter(Boolean);
    allowed.push(...toolAllowed);
    blocked.push(...toolBlocked);

    if (seenKinds.has(kind)) return;
    seenKinds.add(kind);
    if (kind === "web_fetch") {
      value.tools.push({ urlContext: {} });
      return;
    }
    const googleSearch: NonNullable<GeminiTool["googleSearch"]> = {};
    if (options.supportsExcludeDomains && toolBlocked.length > 0) googleSearch.excludeDomains = toolBlocked;
    value.tools.push({ googleSearch });
  });

  if (allowed.length > 0 || blocked.length > 0) {
    value.domainFilter = { allowedDomains: unique(allowed), blockedDomains: unique(blocked) };
    warnings.push(
      "allowed_domains/blocked_domains are applied to the returned results and citations only: Gemini has no such search filter, so the answer may still draw on other sites.",
    );
  }
  return { value, warnings };
}

/** `https://www.Example.com/x` and `example.com.` both become `example.com`. */
function normalizeDomain(domain: string): string {
  let host = domain.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  host = host.split(/[/?#]/, 1)[0] ?? "";
  host = host.replace(/\.$/, "").replace(/^www\./, "");
  return host;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Whether `host` is `domain` or one of its subdomains. */
export function matchesDomain(host: string, domain: string): boolean {
  const normalized = normalizeDomain(host);
  return normalized === domain || normalized.endsWith(`.${domain}`);
}
