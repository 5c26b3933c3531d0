type Json = Record<string, unknown>;

/**
 * Folds stream chunks into the one response `generateContent` returns: parts concatenated,
 * neighbouring text parts of the same kind joined (a signature-only empty part lands on the
 * text before it, as in real non-streaming answers), usage and finish reason from the last chunk.
 */
export function mergeResponseChunks(chunks: readonly unknown[]): Json {
  const objects = chunks.filter((chunk): chunk is Json => chunk !== null && typeof chunk === "object");
  const merged: Json = {};
  const parts: Json[] = [];
  let candidate: Json | undefined;
  for (const chunk of objects) {
    for (const [key, value] of Object.entries(chunk)) if (key !== "candidates") merged[key] = value;
    const first = Array.isArray(chunk.candidates) ? (chunk.candidates[0] as Json | undefined) : undefined;
    if (!first) continue;
    candidate = { ...candidate, ...first };
    const content = first.content as { parts?: Json[] } | undefined;
    for (const part of content?.parts ?? []) appendPart(parts, part);
  }
  if (candidate) {
    const { content: _content, ...rest } = candidate;
    merged.candidates = [parts.length > 0 ? { ...rest, content: { role: "model", parts } } : rest];
  }
  return merged;
}

function appendPart(parts: Json[], part: Json): void {
  const previous = parts[parts.length - 1];
  const joinable =
    previous !== undefined &&
    typeof previous.text === "string" &&
    typeof part.text === "string" &&
    Boolean(previous.thought) === Boolean(part.thought) &&
    previous.thoughtSignature === undefined;
  if (!joinable) {
    parts.push({ ...part });
    return;
  }
  previous.text = `${previous.text}${part.text}`;
  if (part.thoughtSignature !== undefined) previous.thoughtSignature = part.thoughtSignature;
}
