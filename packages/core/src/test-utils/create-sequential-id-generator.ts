import type { IdGenerator } from "../create-id-generator.js";

/** A deterministic {@link IdGenerator} for tests: `id1`, `id2`, … (letters and digits only, like real ids). */
export function createSequentialIdGenerator(): IdGenerator {
  let next = 0;
  return () => `id${++next}`;
}
