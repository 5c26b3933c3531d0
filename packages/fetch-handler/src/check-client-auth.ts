import type { HandlerRequest, HeaderReader } from "./handler-core.js";

const encoder = new TextEncoder();

/**
 * Whether a request carries the proxy key, as `x-api-key` or `Authorization: Bearer` (either
 * may match: a client with both variables set sends both). Keys are hashed with SHA-256 and
 * the digests compared with XOR over every byte, so the time taken says nothing about how
 * much of a guess was right, nor about the key's length.
 */
export async function checkClientAuth(
  request: Pick<HandlerRequest, "headers">,
  proxyApiKey: string,
): Promise<boolean> {
  const presented = readPresentedKeys(request.headers);
  if (presented.length === 0) return false;
  const [expected, ...candidates] = await Promise.all([proxyApiKey, ...presented].map(digest));
  let matched = false;
  for (const candidate of candidates) matched = equalDigests(expected!, candidate) || matched;
  return matched;
}

async function digest(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

function equalDigests(left: Uint8Array, right: Uint8Array): boolean {
  let difference = left.length ^ right.length;
  for (let index = 0; index < left.length; index++) difference |= left[index]! ^ (right[index] ?? 0);
  return difference === 0;
}

function readPresentedKeys(headers: HeaderReader): string[] {
  const keys: string[] = [];
  const apiKey = headers.get("x-api-key");
  if (apiKey !== null && apiKey !== "") keys.push(apiKey);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer !== undefined) keys.push(bearer);
  return keys;
}
