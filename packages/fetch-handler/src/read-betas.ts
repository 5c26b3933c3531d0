/** The `anthropic-beta` values of a request (a comma-separated header), trimmed, empties dropped. */
export function readBetas(headers: Headers): string[] {
  return (headers.get("anthropic-beta") ?? "")
    .split(",")
    .map((beta) => beta.trim())
    .filter((beta) => beta !== "");
}
