/**
 * UTF-8 text ⇄ unpadded base64url (RFC 4648 §5), without `atob`/`btoa` or `Buffer`, so core
 * runs unchanged on every runtime. Used for data the client must echo inside ids and
 * signatures, where only `[A-Za-z0-9_-]` is safe.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES: ReadonlyMap<string, number> = new Map([...ALPHABET].map((char, index) => [char, index]));

/** Encodes `text` as UTF-8 bytes in unpadded base64url. */
export function encodeBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = "";
  for (let index = 0; index < bytes.length; index += 3) {
    const first = bytes[index]!;
    const second = bytes[index + 1];
    const third = bytes[index + 2];
    out += ALPHABET[first >> 2]!;
    out += ALPHABET[((first & 3) << 4) | ((second ?? 0) >> 4)]!;
    if (second !== undefined) out += ALPHABET[((second & 15) << 2) | ((third ?? 0) >> 6)]!;
    if (third !== undefined) out += ALPHABET[third & 63]!;
  }
  return out;
}

/** Decodes what {@link encodeBase64Url} made; `undefined` for anything that is not valid base64url UTF-8. */
export function decodeBase64Url(value: string): string | undefined {
  if (value.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((value.length * 3) / 4));
  let length = 0;
  let buffer = 0;
  let bits = 0;
  for (const char of value) {
    const digit = VALUES.get(char);
    if (digit === undefined) return undefined;
    buffer = ((buffer << 6) | digit) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[length++] = (buffer >> bits) & 0xff;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, length));
  } catch {
    return undefined;
  }
}
