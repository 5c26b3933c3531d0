import { generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A service-account key file for offline Vertex AI tests, and what the fake needs to check its tokens. */
export interface VertexCredentials {
  /** Path of the key file: put it in `GOOGLE_APPLICATION_CREDENTIALS`. */
  keyFile: string;
  /** Whether a bearer token is a JWT signed with this key (the fake's `vertex.acceptToken`). */
  acceptToken(token: string): boolean;
  /** Deletes the key file. */
  remove(): void;
}

/**
 * Writes a service-account key file with a fresh RSA key. Its `universe_domain` is not
 * googleapis.com, so google-auth-library signs a self-signed JWT locally instead of asking
 * Google's token endpoint: Application Default Credentials work with no network.
 */
export function createVertexCredentials(project: string): VertexCredentials {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const directory = mkdtempSync(join(tmpdir(), "claude-gemini-vertex-"));
  const keyFile = join(directory, "service-account.json");
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: "service_account",
      project_id: project,
      private_key_id: "test-key",
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
      client_email: `proxy@${project}.iam.gserviceaccount.com`,
      client_id: "1",
      token_uri: "http://127.0.0.1:9/token",
      universe_domain: "claude-gemini.test",
    }),
  );
  return {
    keyFile,
    acceptToken: (token) => isSignedBy(publicKey, token),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

function isSignedBy(publicKey: KeyObject, token: string): boolean {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return false;
  return verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, "base64url"),
  );
}
