/** Tokens the fake charges per inline image or file, like Gemini's flat image rate. */
export const TOKENS_PER_MEDIA = 258;

/**
 * A deterministic token estimate of any request piece: a quarter of the characters of every
 * string it holds (keys of `args`/`response` objects included), plus a flat rate per media part.
 * Base64 payloads are not counted as text, so an image costs the same whatever its size.
 */
export function estimateFakeTokens(value: unknown): number {
  let characters = 0;
  let media = 0;
  const visit = (node: unknown, key: string | undefined): void => {
    if (typeof node === "string") {
      characters += node.length;
    } else if (typeof node === "number" || typeof node === "boolean") {
      characters += String(node).length;
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (node !== null && typeof node === "object") {
      if (key === "inlineData" || key === "fileData") {
        media += 1;
        return;
      }
      for (const [childKey, child] of Object.entries(node)) {
        // Signatures are opaque state, not prompt text.
        if (childKey === "thoughtSignature") continue;
        if (key === "args" || key === "response" || key === "properties") characters += childKey.length;
        visit(child, childKey);
      }
    }
  };
  visit(value, undefined);
  return Math.ceil(characters / 4) + media * TOKENS_PER_MEDIA;
}
