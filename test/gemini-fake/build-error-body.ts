/** Google's HTTP code for each google.rpc status the fake sends. */
const STATUS_CODES: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The HTTP code Google pairs with a google.rpc status name (500 for names it does not know). */
export function codeForGeminiStatus(geminiStatus: string): number {
  return STATUS_CODES[geminiStatus] ?? 500;
}

export interface ErrorBodyInput {
  status: number;
  geminiStatus: string;
  message: string;
  details?: unknown[];
}

/** Builds `{"error":{"code","message","status","details"}}` exactly as Google shapes it. */
export function buildErrorBody(input: ErrorBodyInput): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = {
    code: input.status,
    message: input.message,
    status: input.geminiStatus,
  };
  if (input.details && input.details.length > 0) error.details = input.details;
  return { error };
}
