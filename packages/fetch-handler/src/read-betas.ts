import type { HeaderReader } from "./handler-core.js";

/** The `anthropic-beta` values of a request (a comma-separated header), trimmed, empties dropped. */
export function readBetas(headers: HeaderReader): string[] {
  return (headers.get("anthropic-beta") ?? "")
    .split(",")
    .map((beta) => beta.trim())
    .filter((beta) => beta !== "");
}
