/** One change to a JSON document: replace the node at a path, or remove it. */
export type JsonMutation =
  | { kind: "replace"; pick: number; value: unknown }
  | { kind: "remove"; pick: number };

/**
 * Applies a mutation to a deep copy of `root`: `pick` chooses the node (modulo the number of
 * nodes), which is replaced by `value` or removed (a key deleted, an array element spliced
 * out). The original is never touched.
 */
export function mutateJson(root: unknown, paths: (string | number)[][], mutation: JsonMutation): unknown {
  const copy = structuredClone(root);
  if (paths.length === 0) return copy;
  const path = paths[mutation.pick % paths.length]!;
  let parent = copy as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (mutation.kind === "replace") parent[last] = mutation.value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}
