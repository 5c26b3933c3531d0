/**
 * A controller that also aborts when `parent` does, for one upstream attempt: aborting it
 * cancels that attempt alone. `release` drops the listener on `parent` once the attempt is over.
 */
export function linkAbortSignal(parent: AbortSignal): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener("abort", onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener("abort", onAbort) };
}
