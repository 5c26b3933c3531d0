/**
 * Remembers every server-side tool part (`toolCall` / `toolResponse`, signature included) the
 * fake sent, so a request echoing one back can be checked: Google asks for "all parts exactly
 * as received" (https://ai.google.dev/gemini-api/docs/tool-combination).
 */
export interface ServerPartRegistry {
  /** Records a part as sent. */
  issue(part: Record<string, unknown>): void;
  /** True when this exact part (same fields and values, any key order) was sent earlier. */
  isIssued(part: unknown): boolean;
}

/** JSON with object keys sorted, so key order after a round trip does not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function createServerPartRegistry(): ServerPartRegistry {
  const issued = new Set<string>();
  return {
    issue(part) {
      issued.add(canonicalJson(part));
    },
    isIssued(part) {
      return issued.has(canonicalJson(part));
    },
  };
}
