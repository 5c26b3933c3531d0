import type { DroppedFeature } from "@claude-gemini/core";

/**
 * The response header that lists what the proxy could not serve for this request: tools,
 * output formats, content blocks, settings (`DroppedFeature.feature`). Absent when everything
 * was served; the warn-level log line with the same `request-id` says why each was dropped.
 */
export const WARNINGS_HEADER = "x-claude-gemini-warnings";

/** Header values stay well under what proxies and clients accept (commonly 8 KB for all headers). */
const MAX_HEADER_LENGTH = 512;
const MAX_FEATURE_LENGTH = 64;

/** Feature names may hold client-supplied text (a tool type): only these characters reach the header. */
function sanitize(feature: string): string {
  const clean = feature.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, MAX_FEATURE_LENGTH);
  return clean === "" ? "unknown" : clean;
}

/**
 * The value of {@link WARNINGS_HEADER} for these dropped features: each distinct feature once,
 * in order, ASCII only, comma-separated, at most 512 characters (the rest counted as
 * `+N more`). `undefined` when nothing was dropped, so the header is left out.
 *
 * @example
 * formatWarningsHeader([{ feature: "tool:code_execution_20250825", message: "…" }, { feature: "web_search", message: "…" }]);
 * // "tool:code_execution_20250825, web_search"
 */
export function formatWarningsHeader(dropped: readonly DroppedFeature[]): string | undefined {
  const features = [...new Set(dropped.map((entry) => sanitize(entry.feature)))];
  if (features.length === 0) return undefined;
  let value = "";
  for (const [index, feature] of features.entries()) {
    const next = value === "" ? feature : `${value}, ${feature}`;
    const left = features.length - index - 1;
    // Room for the ", +N more" that may still have to follow.
    const reserve = left > 0 ? `, +${left} more`.length : 0;
    if (next.length + reserve > MAX_HEADER_LENGTH) {
      const more = features.length - index;
      return value === "" ? `+${more} more` : `${value}, +${more} more`;
    }
    value = next;
  }
  return value;
}
