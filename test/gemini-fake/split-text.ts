/** Splits text into `count` non-empty pieces of near-equal length (fewer only when the text is shorter). */
export function splitText(text: string, count: number): string[] {
  // Split by code point so no piece ends inside a surrogate pair.
  const characters = Array.from(text);
  if (characters.length === 0) return [""];
  const pieces = Math.max(1, Math.min(Math.floor(count), characters.length));
  const base = Math.floor(characters.length / pieces);
  const extra = characters.length % pieces;
  const out: string[] = [];
  let start = 0;
  for (let index = 0; index < pieces; index++) {
    const length = base + (index < extra ? 1 : 0);
    out.push(characters.slice(start, start + length).join(""));
    start += length;
  }
  return out;
}
