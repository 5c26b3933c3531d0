import { randomBytes } from "node:crypto";

/** Gemini's documented placeholder for calls that never had a signature. */
export const SIGNATURE_PLACEHOLDER = "skip_thought_signature_validator";

/** Issues opaque thought signatures and remembers them, so later requests can be checked. */
export interface SignatureRegistry {
  issue(): string;
  /** True for a signature this registry issued, or the documented placeholder. */
  isKnown(signature: string): boolean;
}

/**
 * Creates a registry. Signatures look like the real ones (base64 of opaque bytes) and carry a
 * nonce, so a converter cannot fake one by copying a pattern.
 */
export function createSignatureRegistry(): SignatureRegistry {
  const issued = new Set<string>();
  return {
    issue() {
      const payload = JSON.stringify({ fake: "gemini", nonce: randomBytes(12).toString("hex") });
      const signature = Buffer.from(payload, "utf8").toString("base64");
      issued.add(signature);
      return signature;
    },
    isKnown(signature) {
      return signature === SIGNATURE_PLACEHOLDER || issued.has(signature);
    },
  };
}
