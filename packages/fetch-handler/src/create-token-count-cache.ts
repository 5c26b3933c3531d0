/** Options of {@link createTokenCountCache}; the defaults suit Claude Code's `/context`. */
export interface TokenCountCacheOptions {
  /** Counts kept, the least recently used going first. Default 512. */
  maxEntries?: number;
  /** How long a count is kept. Default ten minutes: the same text on the same model counts the same. */
  ttlMs?: number;
  /** Upstream counts allowed at once before the budget runs dry. Default 4. */
  burst?: number;
  /** Upstream counts the budget regains per second. Default 4. */
  refillPerSecond?: number;
  /** Milliseconds, for expiry and refill. Default `Date.now`. */
  now?: () => number;
}

/** Where a count came from. */
export type TokenCountSource = "gemini" | "cache" | "shared";

/** Counts request bodies once: see {@link createTokenCountCache}. */
export interface TokenCountCache {
  /**
   * The count of the body `key` stands for: remembered, shared with the same body's call in
   * flight, or from `count()` (remembered on success). `undefined` when the burst budget is
   * spent: the caller answers with its own estimate. A failed `count()` rejects every caller
   * waiting on it, and nothing is remembered.
   */
  count(
    key: string,
    count: () => Promise<number>,
  ): Promise<{ tokens: number; source: TokenCountSource } | undefined>;
}

interface Entry {
  tokens: number;
  expiresAt: number;
}

/**
 * Keeps `count_tokens` bursts off Gemini. Claude Code's `/context` sends about two dozen
 * `count_tokens` requests at once: the system prompt piece by piece and each tool alone, every
 * one a different body, and again each time `/context` is opened. So counts are remembered by
 * body (a repeated `/context` costs nothing), a body already in flight is counted once, and a
 * token bucket lets only a few new bodies reach Gemini per second: the rest of a burst is
 * answered with the local estimate. Single counts, the ones a client relies on (a file's size
 * before reading it, an SDK user's count), always find a token and get Gemini's number.
 */
export function createTokenCountCache(options: TokenCountCacheOptions = {}): TokenCountCache {
  const maxEntries = Math.max(1, options.maxEntries ?? 512);
  const ttlMs = options.ttlMs ?? 600_000;
  const burst = Math.max(1, options.burst ?? 4);
  const refillPerMs = (options.refillPerSecond ?? 4) / 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<number>>();
  let budget = burst;
  let refilledAt = now();

  function takeFromBudget(): boolean {
    const time = now();
    budget = Math.min(burst, budget + (time - refilledAt) * refillPerMs);
    refilledAt = time;
    if (budget < 1) return false;
    budget -= 1;
    return true;
  }

  function remember(key: string, tokens: number): void {
    entries.delete(key);
    entries.set(key, { tokens, expiresAt: now() + ttlMs });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  }

  return {
    async count(key, count) {
      const entry = entries.get(key);
      if (entry !== undefined) {
        if (entry.expiresAt > now()) {
          // Most recently used goes last, so eviction takes the oldest.
          entries.delete(key);
          entries.set(key, entry);
          return { tokens: entry.tokens, source: "cache" };
        }
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return { tokens: await pending, source: "shared" };
      if (!takeFromBudget()) return undefined;
      const counting = count();
      inFlight.set(key, counting);
      try {
        const tokens = await counting;
        remember(key, tokens);
        return { tokens, source: "gemini" };
      } finally {
        inFlight.delete(key);
      }
    },
  };
}
