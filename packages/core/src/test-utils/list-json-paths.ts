/** Every path to a node below the root of a JSON value, parents before children. */
export function listJsonPaths(root: unknown): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const queue: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  for (let index = 0; index < queue.length; index++) {
    const { value, path } = queue[index]!;
    if (typeof value !== "object" || value === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((child, position) => [position, child])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = [...path, key];
      paths.push(childPath);
      queue.push({ value: child, path: childPath });
    }
  }
  return paths;
}
