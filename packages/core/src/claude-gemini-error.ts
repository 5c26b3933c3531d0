import type { AnthropicErrorType } from "./anthropic-api.js";

const brand = Symbol.for("claude-gemini.error");

/**
 * The one error base class of the project. The `Symbol.for` brand makes
 * {@link ClaudeGeminiError.isInstance} work across two copies of the package, where
 * `instanceof` does not. `mapUpstreamError` turns any of these into an Anthropic
 * error response; nothing else builds error bodies.
 */
export class ClaudeGeminiError extends Error {
  readonly [brand] = true;
  /** HTTP status to answer with. */
  readonly status: number;
  /** Anthropic `error.type`. */
  readonly type: AnthropicErrorType;
  /** Seconds a client should wait before retrying, when known. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    message: string;
    status: number;
    type: AnthropicErrorType;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = "ClaudeGeminiError";
    this.status = options.status;
    this.type = options.type;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static isInstance(value: unknown): value is ClaudeGeminiError {
    return typeof value === "object" && value !== null && (value as { [brand]?: unknown })[brand] === true;
  }
}

/** The client sent something we cannot express upstream (400 `invalid_request_error`). */
export class InvalidRequestError extends ClaudeGeminiError {
  /** Dotted path of the offending field, e.g. `messages.2.content.0.source.data`. */
  readonly path: string | undefined;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super({ message, status: 400, type: "invalid_request_error", cause: options.cause });
    this.name = "InvalidRequestError";
    this.path = options.path;
  }
}
