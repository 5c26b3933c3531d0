import { isParseError, UNPARSABLE_ANSWER } from "./describe-failure.js";
import type { FetchHandlerLogger } from "./fetch-handler-options.js";

/**
 * Wraps a logger so that every message and every string inside its fields (errors included,
 * as their message) passes through `redact` first. Fields are walked to a bounded depth; a
 * log line is never the place for a deep object anyway.
 */
export function createRedactingLogger(
  logger: FetchHandlerLogger,
  redact: (text: string) => string,
): FetchHandlerLogger {
  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return redact(value);
    if (value instanceof Error) return redact(isParseError(value) ? UNPARSABLE_ANSWER : String(value));
    if (typeof value !== "object" || value === null) return value;
    if (depth >= 8) return "[nested]";
    if (Array.isArray(value)) return value.map((item) => clean(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clean(item, depth + 1)]));
  };
  const wrap =
    (write: FetchHandlerLogger["info"]): FetchHandlerLogger["info"] =>
    (message, fields) =>
      write(
        redact(message),
        fields === undefined ? undefined : (clean(fields, 0) as Record<string, unknown>),
      );
  return {
    debug: wrap((message, fields) => logger.debug(message, fields)),
    info: wrap((message, fields) => logger.info(message, fields)),
    warn: wrap((message, fields) => logger.warn(message, fields)),
    error: wrap((message, fields) => logger.error(message, fields)),
  };
}
