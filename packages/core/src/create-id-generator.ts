const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Returns a fresh random id part: letters and digits only (never `_`), so ids stay parseable. */
export type IdGenerator = () => string;

/**
 * Makes an {@link IdGenerator} from a source of random bytes. Core touches no globals, so
 * the host passes its own, e.g. `createIdGenerator((bytes) => crypto.getRandomValues(bytes))`.
 *
 * @example
 * const generateId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));
 * generateId(); // "Qm3X0c9sK2hV7PzL1aR8tYb4"
 */
export function createIdGenerator(fillRandom: (bytes: Uint8Array) => Uint8Array, length = 24): IdGenerator {
  return () => {
    const bytes = fillRandom(new Uint8Array(length));
    let id = "";
    for (let index = 0; index < length; index++) id += ALPHABET[bytes[index]! % ALPHABET.length];
    return id;
  };
}
