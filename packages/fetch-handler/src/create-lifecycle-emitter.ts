import type { FetchHandlerLogger } from "./fetch-handler-options.js";
import type { LifecycleEvent, LifecycleSubscriber } from "./lifecycle-event.js";

/** Sends one event to every subscriber of a handler. */
export type LifecycleEmitter = (event: LifecycleEvent) => void;

/**
 * Delivers each {@link LifecycleEvent} to `subscribers`, in order. A subscriber that throws is
 * logged at `warn` and the others still hear the event: logs, traces and metrics must never
 * change what the client gets.
 */
export function createLifecycleEmitter(
  subscribers: readonly LifecycleSubscriber[],
  logger: FetchHandlerLogger,
): LifecycleEmitter {
  if (subscribers.length === 0) return () => {};
  return (event) => {
    for (const subscriber of subscribers) {
      try {
        if (typeof subscriber === "function") subscriber(event);
        else (subscriber[event.type] as ((event: LifecycleEvent) => void) | undefined)?.(event);
      } catch (error) {
        logger.warn("lifecycle subscriber threw", {
          event: event.type,
          ...("requestId" in event ? { requestId: event.requestId } : {}),
          error: String(error),
        });
      }
    }
  };
}
