import { readUpstreamFailure } from "./read-upstream-failure.js";
import { decideRetry, RETRY_DEFAULTS, type RetryDecision, type RetrySettings } from "./retry-policy.js";

/** What {@link retryWithBackoff} needs of a decision: whether to go again, and the wait asked for. */
type Judgement = Pick<RetryDecision, "retryable" | "retryAfterMs">;

export interface RetryWithBackoffOptions<T>
  extends Pick<RetrySettings, "maxAttempts" | "maxTotalDelayMs" | "baseDelayMs">,
    Partial<Omit<RetrySettings, "maxAttempts" | "maxTotalDelayMs" | "baseDelayMs">> {
  /** Stops the retries: the last failure is thrown at once. */
  signal?: AbortSignal;
  /**
   * Judges a thrown failure. Default: `rules` (else those of `retry-policy.ts`) over
   * `readUpstreamFailure`.
   */
  decide?: (error: unknown) => Judgement;
  /** A successful result that still deserves another attempt (a malformed function call); the last one is returned. */
  shouldRetryValue?: (value: T) => boolean;
  /** Called with a result that is dropped for another attempt, to release it. */
  discardValue?: (value: T) => void;
  /** Called before each wait. */
  onRetry?: (information: { attempt: number; delayMs: number; reason: unknown }) => void;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Waits; resolves early when `signal` aborts. Default: a timer. */
  sleep?: (delayMs: number, signal: AbortSignal | undefined) => Promise<void>;
}

/**
 * Runs `operation` until it succeeds, fails for good, or the attempts or the total wait run
 * out, then returns the result with the number of retries made. Waits grow from `baseDelayMs`
 * by `backoffFactor` (2) per attempt up to `maxDelayMs` (60 s), a `jitter` share of each (half)
 * drawn at random; a delay asked for by the upstream is honoured as is. When that delay is
 * longer than `maxDelayMs` or does not fit in what is left of `maxTotalDelayMs`, the failure is
 * thrown at once so the client can wait on its own (it sees `retry-after`).
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryWithBackoffOptions<T>,
): Promise<{ value: T; retries: number }> {
  const rules = options.rules;
  const decide = options.decide ?? ((error: unknown) => decideRetry(readUpstreamFailure(error), rules));
  const random = options.random ?? Math.random;
  const factor = options.backoffFactor ?? RETRY_DEFAULTS.backoffFactor;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const jitter = options.jitter ?? RETRY_DEFAULTS.jitter;
  const wait = options.sleep ?? sleep;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await operation(attempt) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const decision: Judgement = outcome.ok
      ? { retryable: options.shouldRetryValue?.(outcome.value) ?? false }
      : decide(outcome.error);
    const finalAnswer = () => {
      if (outcome.ok) return { value: outcome.value, retries: attempt - 1 };
      throw outcome.error;
    };
    if (!decision.retryable || attempt >= options.maxAttempts || options.signal?.aborted)
      return finalAnswer();

    const backoff = Math.min(maxDelayMs, options.baseDelayMs * factor ** (attempt - 1));
    // Part fixed, part random (half and half by default): spreads clients out without ever
    // retrying at once.
    const delayMs = Math.round(decision.retryAfterMs ?? backoff * (1 - jitter) + backoff * jitter * random());
    if (delayMs > maxDelayMs || waited + delayMs > options.maxTotalDelayMs) return finalAnswer();

    if (outcome.ok) options.discardValue?.(outcome.value);
    options.onRetry?.({ attempt, delayMs, reason: outcome.ok ? outcome.value : outcome.error });
    await wait(delayMs, options.signal);
    if (options.signal?.aborted) {
      if (outcome.ok) throw options.signal.reason;
      throw outcome.error;
    }
    waited += delayMs;
  }
}

function sleep(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
