/**
 * Gemini grounding metadata → Anthropic web search blocks and citations.
 *
 * Specs: https://ai.google.dev/gemini-api/docs/google-search (groundingMetadata) and
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool (response shape).
 *
 * Choices, since Gemini reports a search differently:
 * - One `server_tool_use` (`srvtoolu_…`, `input: { query }`) per `webSearchQueries` entry, each
 *   followed by its `web_search_tool_result`. Gemini does not say which query found which page,
 *   so every result goes with the first query; later queries get an empty result list.
 * - Results are the `web` grounding chunks, in Gemini's order, without duplicates. Gemini gives no
 *   page text or age: `encrypted_content` is `""`, `page_age` is `null`. On the Gemini API the
 *   `uri` is Google's redirect link and the `title` is usually the site's domain.
 * - No query but grounding chunks (URL context): no search blocks, citations only.
 * - Citations come from `groundingSupports`: each names a segment of the answer and the chunks
 *   behind it. Anthropic has no place for a support's span, so `cited_text` carries the segment
 *   text of the answer (not the page text Anthropic puts there) and the text is split into
 *   blocks at segment boundaries (see `add-grounding-citations.ts`).
 */
import type {
  ServerToolUseContent,
  WebSearchResult,
  WebSearchResultLocation,
  WebSearchToolResultContent,
} from "./anthropic-api.js";
import { matchesDomain, type WebSearchDomainFilter } from "./convert-server-tools-to-gemini.js";
import type { IdGenerator } from "./create-id-generator.js";
import type { GeminiGroundingMetadata } from "./gemini-api.js";

/** A span of the answer text that grounding supports, in UTF-8 bytes as Gemini counts them. */
export interface GroundedSpan {
  /** Inclusive start, in UTF-8 bytes from the start of the answer text. */
  startByte: number;
  /** Exclusive end, in UTF-8 bytes. */
  endByte: number;
  /** The answer text of the span as Gemini quoted it, when it did. */
  text: string | undefined;
  citations: WebSearchResultLocation[];
}

export interface ConvertedGrounding {
  /** `server_tool_use` / `web_search_tool_result` pairs, in order. */
  searchBlocks: (ServerToolUseContent | WebSearchToolResultContent)[];
  spans: GroundedSpan[];
}

export interface ConvertGroundingOptions {
  generateId: IdGenerator;
  /** Drops results and citations of sources outside the request's domain filters. */
  domainFilter?: WebSearchDomainFilter;
}

interface Source {
  url: string;
  title: string;
}

const DOMAIN_LIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const URL_HOST = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)/i;

/** The host a filter judges a source by: Gemini's `domain`, else a domain-like title, else the URL's host. */
function sourceHost(web: { uri?: string; title?: string; domain?: string }): string {
  if (web.domain) return web.domain;
  if (web.title && DOMAIN_LIKE.test(web.title)) return web.title;
  return URL_HOST.exec(web.uri ?? "")?.[1] ?? "";
}

function passesFilter(host: string, filter: WebSearchDomainFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter.blockedDomains.some((domain) => matchesDomain(host, domain))) return false;
  return (
    filter.allowedDomains.length === 0 || filter.allowedDomains.some((domain) => matchesDomain(host, domain))
  );
}

/**
 * Reads a candidate's `groundingMetadata` into Anthropic search blocks and cited spans. Returns
 * nothing to add when the metadata is absent or empty. See the file header for the choices.
 *
 * @example
 * const { value } = convertGroundingToAnthropic(candidate.groundingMetadata, { generateId });
 * value.searchBlocks; // [{ type: "server_tool_use", … }, { type: "web_search_tool_result", … }]
 */
export function convertGroundingToAnthropic(
  metadata: GeminiGroundingMetadata | undefined,
  options: ConvertGroundingOptions,
): { value: ConvertedGrounding; warnings: string[] } {
  const warnings: string[] = [];
  const value: ConvertedGrounding = { searchBlocks: [], spans: [] };
  if (metadata === undefined) return { value, warnings };

  // Chunk index → source, `undefined` for chunks that are not web pages or that the filter removed.
  const sources: (Source | undefined)[] = [];
  let filtered = 0;
  for (const chunk of metadata.groundingChunks ?? []) {
    const web = chunk.web;
    if (!web?.uri) {
      sources.push(undefined);
      continue;
    }
    if (!passesFilter(sourceHost(web), options.domainFilter)) {
      filtered += 1;
      sources.push(undefined);
      continue;
    }
    sources.push({ url: web.uri, title: web.title || web.uri });
  }
  if (filtered > 0)
    warnings.push(`${filtered} web search result(s) outside the requested domains were removed.`);

  const queries = (metadata.webSearchQueries ?? []).filter((query) => query.trim() !== "");
  const results: WebSearchResult[] = [];
  const seenUrls = new Set<string>();
  for (const source of sources) {
    if (source === undefined || seenUrls.has(source.url)) continue;
    seenUrls.add(source.url);
    results.push({
      type: "web_search_result",
      url: source.url,
      title: source.title,
      encrypted_content: "",
      page_age: null,
    });
  }
  queries.forEach((query, index) => {
    const id = `srvtoolu_${options.generateId()}`;
    value.searchBlocks.push({ type: "server_tool_use", id, name: "web_search", input: { query } });
    value.searchBlocks.push({
      type: "web_search_tool_result",
      tool_use_id: id,
      content: index === 0 ? results : [],
    });
  });

  for (const support of metadata.groundingSupports ?? []) {
    const segment = support.segment;
    const endByte = segment?.endIndex;
    if (segment === undefined || typeof endByte !== "number") continue;
    const citations: WebSearchResultLocation[] = [];
    const citedUrls = new Set<string>();
    for (const chunkIndex of support.groundingChunkIndices ?? []) {
      const source = sources[chunkIndex];
      if (source === undefined || citedUrls.has(source.url)) continue;
      citedUrls.add(source.url);
      citations.push({
        type: "web_search_result_location",
        url: source.url,
        title: source.title,
        encrypted_index: "",
        cited_text: segment.text ?? "",
      });
    }
    if (citations.length === 0) continue;
    value.spans.push({ startByte: segment.startIndex ?? 0, endByte, text: segment.text, citations });
  }
  return { value, warnings };
}
