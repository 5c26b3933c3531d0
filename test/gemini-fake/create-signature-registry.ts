import { randomBytes } from "node:crypto";

/** Gemini's documented placeholder for calls that never had a signature. */
export const SIGNATURE_PLACEHOLDER = "skip_thought_signature_validator";

/**
 * Issues opaque thought signatures and remembers which model issued each, so later requests can
 * be checked. A signature is bound to its model: sent to another model it is refused like a
 * made-up one (the proxy must leave it out after a fallback or a client's model switch).
 */
export interface SignatureRegistry {
  issue(model: string): string;
  /** True for a signature this registry issued for `model`, or the documented placeholder. */
  isKnown(signature: string, model: string): boolean;
}

/**
 * Creates a registry. Signatures look like the real ones (base64 of opaque bytes) and carry a
 * nonce, so a converter cannot fake one by copying a pattern.
 */
export function createSignatureRegistry(): SignatureRegistry {
  const issued = new Map<string, string>();
  return {
    issue(model) {
      const payload = JSON.stringify({ fake: "gemini", nonce: randomBytes(12).toString("hex") });
      const signature = Buffer.from(payload, "utf8").toString("base64");
      issued.set(signature, model);
      return signature;
    },
    isKnown(signature, model) {
      return signature === SIGNATURE_PLACEHOLDER || issued.get(signature) === model;
    },
  };
}
