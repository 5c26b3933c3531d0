import { isJsonObject, readKeyword } from "./json-schema-object.js";

/**
 * Looks up a local `$ref` (`#`, `#/$defs/Name`, `#/definitions/a~1b`, or the same prefixed with the
 * root's `$id`) inside `root`. Returns `undefined` for anything it cannot find, including remote
 * references, which core has no way to fetch.
 */
export function resolveJsonSchemaReference(root: unknown, reference: string): unknown {
  let fragment = reference;
  const rootId = isJsonObject(root) ? readKeyword(root, "$id") : undefined;
  if (typeof rootId === "string" && rootId !== "" && fragment.startsWith(rootId)) {
    fragment = fragment.slice(rootId.length);
  }
  if (fragment === "" || fragment === "#") return root;
  if (!fragment.startsWith("#/")) return undefined;
  let current: unknown = root;
  for (const rawToken of fragment.slice(2).split("/")) {
    const token = decodeToken(rawToken);
    if (token === undefined) return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (isJsonObject(current)) {
      current = readKeyword(current, token);
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

function decodeToken(token: string): string | undefined {
  let decoded: string;
  try {
    // References are URI fragments, so `%25` and friends may appear in definition names.
    decoded = decodeURIComponent(token);
  } catch {
    return undefined;
  }
  return decoded.replaceAll("~1", "/").replaceAll("~0", "~");
}
