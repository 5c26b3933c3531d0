import { type FakeRejection, unknownField } from "../fake-rejection.js";
import { toProtoPath } from "./to-proto-path.js";

/** Rejects the first key of `value` that is not in `allowed`, naming `path` like the real service. */
export function findUnknownField(
  value: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  path: string,
): FakeRejection | undefined {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) return unknownField(key, toProtoPath(path));
  }
  return undefined;
}
