import type { FetchHandlerLogger, RequestCompleteRecord } from "./fetch-handler-options.js";

/** How much the proxy logs (`LOG_LEVEL`); `silent` logs nothing, not even request lines. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Options of {@link createRequestLogger}. */
export interface RequestLoggerOptions {
  level: LogLevel;
  /** `json`: one JSON object per line, for log collectors; `text`: a short line for people. */
  format: "json" | "text";
  /** Receives each finished line, newline included. */
  write: (line: string) => void;
  /** Default: the system clock. */
  now?: () => Date;
}

const SEVERITY = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const satisfies Record<
  LogLevel,
  number
>;

/**
 * Characters a terminal may act on, or that make one line look like two or reorder text: C0
 * and C1 controls (ESC starts ANSI sequences, `\x9b` is an 8-bit CSI), DEL, the Unicode line
 * and paragraph separators, and the bidirectional overrides.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Field names that may carry credentials; their values never reach a log line. */
const SECRET_FIELD = /authorization|api[-_]?key|secret|password|credential|cookie|^x-goog-api-key$/i;

/**
 * The proxy's logger: the `logger` and `onRequestComplete` hooks of the fetch handler, writing
 * one line per request (method, path, model, Gemini model, status, latency, tokens) and one
 * per message at or above `level`. Fields that look like credentials are replaced by
 * `[redacted]`, so a key never lands in a log by accident. Control characters from any source
 * (a model name, a path, an upstream message) are written as `\u001b`-style escapes in both
 * formats, so a line can neither carry terminal escape sequences nor pass for several lines.
 */
export function createRequestLogger(options: RequestLoggerOptions): {
  logger: FetchHandlerLogger;
  onRequestComplete: (record: RequestCompleteRecord) => void;
  log: (level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) => void;
} {
  const now = options.now ?? (() => new Date());
  const threshold = SEVERITY[options.level];

  const log = (level: Exclude<LogLevel, "silent">, message: string, fields: Record<string, unknown> = {}) => {
    if (SEVERITY[level] < threshold) return;
    const safeFields = redact(fields);
    if (options.format === "json") {
      // JSON.stringify escapes C0 controls but leaves DEL, C1 and the Unicode separators as they are.
      const line = JSON.stringify({ time: now().toISOString(), level, msg: message, ...safeFields });
      options.write(`${escapeUnsafe(line)}\n`);
      return;
    }
    const details = Object.entries(safeFields)
      .map(([name, value]) => `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    options.write(
      `${escapeUnsafe(`${level === "info" ? "" : `${level.toUpperCase()} `}${message}${details ? ` ${details}` : ""}`)}\n`,
    );
  };

  const onRequestComplete = (record: RequestCompleteRecord) => {
    const level = record.status >= 500 ? "warn" : "info";
    if (options.format === "json") {
      log(level, "request", { ...record });
      return;
    }
    if (SEVERITY[level] < threshold) return;
    const models = record.model
      ? ` ${record.model}${record.geminiModel && record.geminiModel !== record.model ? `→${record.geminiModel}` : ""}`
      : "";
    const tokens =
      record.inputTokens !== undefined || record.outputTokens !== undefined
        ? ` in=${record.inputTokens ?? 0} out=${record.outputTokens ?? 0}`
        : "";
    const extras = [
      record.thinkingTokens ? `thinking=${record.thinkingTokens}` : "",
      record.cachedTokens ? `cached=${record.cachedTokens}` : "",
      record.timeToFirstTokenMs !== undefined ? `ttft=${Math.round(record.timeToFirstTokenMs)}ms` : "",
      record.stream ? "stream" : "",
      record.retries > 0 ? `retries=${record.retries}` : "",
      record.errorType ? `error=${record.errorType}` : "",
      record.requestId,
    ]
      .filter(Boolean)
      .join(" ");
    options.write(
      `${escapeUnsafe(`${record.method} ${record.path}${models} ${record.status} ${Math.round(record.latencyMs)}ms${tokens}${extras ? ` ${extras}` : ""}`)}\n`,
    );
  };

  return {
    logger: {
      debug: (message, fields) => log("debug", message, fields),
      info: (message, fields) => log("info", message, fields),
      warn: (message, fields) => log("warn", message, fields),
      error: (message, fields) => log("error", message, fields),
    },
    onRequestComplete,
    log,
  };
}

function escapeUnsafe(text: string): string {
  return text.replace(
    UNSAFE_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(name)) safe[name] = "[redacted]";
    else if (value instanceof Error) safe[name] = { name: value.name, message: value.message };
    else if (value !== null && typeof value === "object" && !Array.isArray(value))
      safe[name] = redact(value as Record<string, unknown>);
    else safe[name] = value;
  }
  return safe;
}
