import type { FakeModel } from "./known-models.js";

/** Why the fake refuses a request: what it sends back, in Google's error shape. */
export interface FakeRejection {
  status: number;
  geminiStatus: string;
  message: string;
  details?: unknown[];
}

/** What every check gets besides the body. */
export interface CheckContext {
  model: FakeModel;
  /** Whether a signature was issued by the fake for the model of this request (or is the documented placeholder). */
  isKnownSignature(signature: string): boolean;
  /** Whether a `toolCall` / `toolResponse` part is exactly one the fake sent. Absent: any passes. */
  isIssuedServerPart?(part: unknown): boolean;
  /** The request came on a Vertex AI path. */
  vertex?: boolean;
}

/** One named rule of the real service. Returns the rejection, or `undefined` when the body passes. */
export type RequestCheck = (
  body: Record<string, unknown>,
  context: CheckContext,
) => FakeRejection | undefined;

/** A 400 INVALID_ARGUMENT, the status almost every validation failure gets. */
export function invalidArgument(message: string): FakeRejection {
  return { status: 400, geminiStatus: "INVALID_ARGUMENT", message };
}

/** The proto-style message for a key the service does not know. */
export function unknownField(name: string, path: string): FakeRejection {
  const where = path ? ` at '${path}'` : "";
  return invalidArgument(`Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`);
}
