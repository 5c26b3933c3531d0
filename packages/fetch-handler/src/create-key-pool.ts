import { ClaudeGeminiError } from "@claude-gemini/core";
import type { ApiKeyEventRecord, FetchHandlerLogger } from "./fetch-handler-options.js";
import { decideKeyRotation } from "./key-rotation-policy.js";
import { readUpstreamFailure } from "./read-upstream-failure.js";

/** One upstream credential of a {@link KeyPool}, with the client built for it once. */
export interface PooledKey<Client> {
  /** Stable position in the pool; context caches are kept per key, since they belong to a project. */
  readonly index: number;
  /** `…` and the key's last four characters: safe to log and to put in a metric label. */
  readonly fingerprint: string;
  readonly client: Client;
}

/** What {@link KeyPool.report} decided about a failed call. */
export type KeyVerdict =
  /** The key is resting or was taken out, and another key can take the call at once. */
  | "next-key"
  /** Nothing to do with the key, or no other key left: the failure stands. */
  | "keep-error"
  /** A 429 and every key now rests: answer with {@link KeyPool.unavailableError} instead. */
  | "all-resting";

/** Round-robin choice among Gemini keys, with rests after 429s and removal of dead keys. */
export interface KeyPool<Client> {
  readonly size: number;
  /** The first key, for calls made outside the rotation. */
  readonly first: PooledKey<Client>;
  /** Every key in pool order, removed and resting ones included (the connection test checks each). */
  readonly all: readonly PooledKey<Client>[];
  /**
   * The next usable key in turn, skipping resting and removed ones.
   *
   * @throws ClaudeGeminiError 429 with `retryAfterSeconds` (the shortest rest left) when every
   * key rests, and 500 when every key was taken out.
   */
  acquire(): PooledKey<Client>;
  /** The 429 (every key rests, `retryAfterSeconds` = the shortest rest) or 500 (every key removed) of a pool with no usable key. */
  unavailableError(): ClaudeGeminiError;
  /** Judges a failed call made with `key`: rests it on a 429, removes it when Gemini says the key is dead. */
  report(key: PooledKey<Client>, error: unknown): KeyVerdict;
}

export interface CreateKeyPoolOptions<Client> {
  createClient: (key: string) => Client;
  logger: FetchHandlerLogger;
  /** How long a key rests after a 429 without `RetryInfo`. Default 60000. */
  defaultRestMs?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  onEvent?: (record: ApiKeyEventRecord) => void;
}

/**
 * Builds one client per key up front (connections are reused) and hands them out round-robin.
 * A key answered with 429 rests for Gemini's `RetryInfo.retryDelay` (else `defaultRestMs`)
 * and is skipped meanwhile; a key Gemini calls invalid or suspended is taken out for good with
 * a loud `logger.error` naming only its fingerprint. Both are decided by `decideKeyRotation`
 * (`key-rotation-policy.ts`) from the structured failure only (HTTP code, `ErrorInfo.reason`
 * such as `API_KEY_INVALID` or `CONSUMER_SUSPENDED`, `RetryInfo`), never from message text.
 * With a single key nothing rests and nothing is removed: the failure simply goes to the
 * caller, as without a pool.
 *
 * @example
 * const pool = createKeyPool(["key-a", "key-b"], { createClient, logger });
 * const key = pool.acquire();
 */
export function createKeyPool<Client>(
  keys: readonly string[],
  options: CreateKeyPoolOptions<Client>,
): KeyPool<Client> {
  const now = options.now ?? Date.now;
  const defaultRestMs = options.defaultRestMs ?? 60_000;
  const entries = keys.map((key, index) => ({
    key: {
      index,
      fingerprint: fingerprintKey(key, keys),
      client: options.createClient(key),
    } as PooledKey<Client>,
    restingUntil: 0,
    removed: false,
  }));
  let cursor = 0;
  const emit = (fingerprint: string, event: ApiKeyEventRecord["event"]) => {
    try {
      options.onEvent?.({ keyFingerprint: fingerprint, event });
    } catch {
      // A metrics hook must never change what the client gets.
    }
  };

  const pool: KeyPool<Client> = {
    size: entries.length,
    first: entries[0]!.key,
    all: entries.map((entry) => entry.key),
    acquire() {
      const time = now();
      for (let step = 0; step < entries.length; step++) {
        const entry = entries[(cursor + step) % entries.length]!;
        if (entry.removed || entry.restingUntil > time) continue;
        cursor = (cursor + step + 1) % entries.length;
        emit(entry.key.fingerprint, "request");
        return entry.key;
      }
      throw pool.unavailableError();
    },
    unavailableError() {
      const time = now();
      const resting = entries.filter((entry) => !entry.removed);
      if (resting.length === 0) {
        return new ClaudeGeminiError({
          status: 500,
          type: "api_error",
          message: `All ${entries.length} Gemini API keys were taken out of the pool as invalid or suspended; fix GEMINI_API_KEYS and restart.`,
        });
      }
      const shortestMs = Math.min(...resting.map((entry) => entry.restingUntil - time));
      return new ClaudeGeminiError({
        status: 429,
        type: "rate_limit_error",
        message: `Every Gemini API key is rate limited; the first is free again in ${Math.ceil(shortestMs / 1000)} s.`,
        retryAfterSeconds: Math.max(1, Math.ceil(shortestMs / 1000)),
      });
    },
    report(key, error) {
      const entry = entries[key.index];
      const decision = decideKeyRotation(readUpstreamFailure(error));
      if (decision.action === "rest") emit(key.fingerprint, "rate_limited");
      if (entry === undefined || entries.length < 2 || decision.action === "keep") return "keep-error";
      if (decision.action === "rest") {
        entry.restingUntil = now() + (decision.restMs ?? defaultRestMs);
        options.logger.warn("Gemini API key rate limited; resting it", {
          keyFingerprint: key.fingerprint,
          restMs: entry.restingUntil - now(),
        });
        return entries.some((other) => !other.removed && other.restingUntil <= now())
          ? "next-key"
          : "all-resting";
      }
      if (!entry.removed) {
        entry.removed = true;
        emit(key.fingerprint, "removed");
        options.logger.error("Gemini API key rejected as invalid or suspended; taken out of the pool", {
          keyFingerprint: key.fingerprint,
          status: readStatus(error),
          keysLeft: entries.filter((other) => !other.removed).length,
        });
      }
      return entries.some((other) => !other.removed && other.restingUntil <= now())
        ? "next-key"
        : "keep-error";
    },
  };
  return pool;
}

/** `…abcd`; when two keys share their last four characters, their positions tell them apart. */
function fingerprintKey(key: string, keys: readonly string[]): string {
  const tail = key.slice(-4);
  const clash = keys.filter((other) => other.slice(-4) === tail).length > 1;
  return clash ? `…${tail}#${keys.indexOf(key) + 1}` : `…${tail}`;
}

/** The HTTP status of a failure, for the log line. */
function readStatus(error: unknown): number | undefined {
  const failure = readUpstreamFailure(error);
  if (failure.source === "gemini") return failure.gemini.httpStatus;
  return failure.source === "proxy" ? failure.status : undefined;
}
