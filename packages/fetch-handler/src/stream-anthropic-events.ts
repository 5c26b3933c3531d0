import type {
  AnthropicStreamEvent,
  ConversionContext,
  GeminiGenerateContentResponse,
  MessageEndAddition,
  SafeguardResult,
  StreamTranslator,
  ToolUseContent,
} from "@claude-gemini/core";
import {
  ClaudeGeminiError,
  createStreamTranslator,
  encodeSseEvent,
  mapUpstreamError,
} from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import type { AnswerEventSource, EventSink, HandlerAnswer } from "./handler-core.js";
import type { StreamEndEvent } from "./lifecycle-event.js";
import type { RequestScope } from "./request-scope.js";

/** Most upstream chunks translated into one piece of the response, so a long burst still flows. */
const BURST_CHUNKS = 256;

/** An upstream Gemini stream whose first chunk has already arrived. */
export interface OpenedUpstream {
  /** The first chunk; the response is only started once there is one. */
  first: GeminiGenerateContentResponse;
  /** From the request's arrival to the first chunk; absent for an answer replayed as a stream. */
  timeToFirstTokenMs?: number;
  /** The next chunk; rejects when the upstream fails or sends something unparsable. */
  next(): Promise<IteratorResult<GeminiGenerateContentResponse>>;
  /**
   * The next chunk when it has already arrived, else `undefined`, without waiting; throws as
   * `next` rejects. Lets a burst of chunks be translated and sent as one piece.
   */
  takeBuffered?(): GeminiGenerateContentResponse | undefined;
  /** Cancels the upstream call (idempotent). */
  close(): void;
}

/** Options of {@link streamAnthropicEvents}. */
export interface StreamAnthropicEventsOptions {
  /**
   * Judges the tool calls of a complete answer (the auto-mode check) before the final
   * `message_delta`, which then carries the result as `safeguard_results`. It must not throw.
   */
  judgeToolUses?: (toolUses: readonly ToolUseContent[]) => Promise<SafeguardResult>;
}

/**
 * Serves an opened upstream as an Anthropic SSE response. It is pull-driven: the next Gemini
 * chunk is read only when the client has taken the previous events, so a slow client slows
 * the upstream instead of filling memory. The stream always ends with `message_stop` or an
 * `error` event: a failure, an unparsable chunk, an upstream that ends without a finish
 * reason or stalls past `idleTimeoutMs` (cut with `overloaded_error`, which Claude Code
 * re-sends). `ping` events keep idle connections open; a cancelled response (the client went
 * away) cancels the upstream. With `judgeToolUses`, a complete answer's tool calls are judged
 * after the upstream ends and before `message_delta` (pings go on meanwhile).
 */
export function streamAnthropicEvents(
  scope: RequestScope,
  upstream: OpenedUpstream,
  context: ConversionContext,
  options: StreamAnthropicEventsOptions = {},
): HandlerAnswer {
  const { settings } = scope;
  const translator = createStreamTranslator({
    context,
    generateId: settings.generateId,
    // The same mapping as JSON errors, so an overloaded upstream says `overloaded_error`
    // (Claude Code re-sends) rather than `api_error` (it falls back to non-streaming).
    mapError: (error) => {
      const { body } = mapUpstreamError(error, { requestId: scope.requestId });
      return { ...body, error: { ...body.error, message: settings.redact(body.error.message) } };
    },
  });
  let closed = false;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  // What `streamEnd` reports, collected from the events sent and the chunks read.
  const usage: StreamUsage = {
    inputTokens: undefined,
    outputTokens: undefined,
    thinkingTokens: undefined,
    cachedTokens: undefined,
    errorType: undefined,
  };
  scope.deferCompletion = true;
  scope.emit({ type: "streamOpen", timeToFirstTokenMs: upstream.timeToFirstTokenMs });

  /** Emits `streamEnd` and completes the request; called once, when `closed` becomes true. */
  const finish = () => {
    if (scope.signal.aborted) usage.errorType ??= "aborted";
    scope.emit({ type: "streamEnd", ...usage });
    scope.complete(200);
  };

  const end = (sink: EventSink) => {
    if (closed) return;
    closed = true;
    clearInterval(pingTimer);
    clearTimeout(idleTimer);
    upstream.close();
    reportTranslation(scope, translator);
    sink.close();
    finish();
  };

  const send = (sink: EventSink, events: AnthropicStreamEvent[]) => {
    if (closed || events.length === 0) return;
    // One string and one chunk per upstream chunk: fewer, larger socket writes.
    let text = "";
    for (const event of events) {
      observe(usage, event);
      text += encodeSseEvent(event);
    }
    sink.enqueue(text);
  };

  const failStream = (sink: EventSink, error: unknown) => {
    if (scope.signal.aborted) {
      // The client left (Escape in Claude Code) and the upstream call was aborted with it: no
      // failure of Gemini's, and nobody is left to read an error event.
      usage.errorType = "aborted";
      end(sink);
      return;
    }
    settings.logger.warn("upstream stream failed", {
      requestId: scope.requestId,
      error: describeFailure(error),
    });
    send(
      sink,
      translate(() => translator.fail(error)),
    );
    end(sink);
  };

  // One idle watchdog per stream rather than a timer per chunk (a timer set and cleared for
  // each of hundreds of chunks showed in the profile). `waitingSince` is the time the current
  // wait for a chunk began (-1: not waiting); the timer re-arms itself for the time left.
  let waitingSince = -1;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let waitingSink: EventSink | undefined;
  const onIdleTimer = () => {
    idleTimer = undefined;
    if (closed || waitingSince < 0 || waitingSink === undefined) return;
    const left = waitingSince + settings.idleTimeoutMs - Date.now();
    if (left > 0) {
      idleTimer = setTimeout(onIdleTimer, left);
      return;
    }
    upstream.close();
    failStream(waitingSink, createIdleError(settings.idleTimeoutMs));
  };
  const startWaiting = (sink: EventSink) => {
    waitingSink = sink;
    waitingSince = Date.now();
    idleTimer ??= setTimeout(onIdleTimer, settings.idleTimeoutMs);
  };

  const translate = (produce: () => AnthropicStreamEvent[]): AnthropicStreamEvent[] => {
    try {
      return produce();
    } catch (error) {
      settings.logger.error("stream translation failed", {
        requestId: scope.requestId,
        error: describeFailure(error),
      });
      return translator.fail(error);
    }
  };

  /**
   * Translates `chunk` and the chunks that already arrived after it (at most BURST_CHUNKS in
   * all) and sends their events as one piece, so a burst costs one write. The number of events
   * sent; `undefined` when taking a chunk failed (the events so far were sent, the stream failed).
   */
  const sendBurst = (sink: EventSink, chunk: GeminiGenerateContentResponse): number | undefined => {
    const events: AnthropicStreamEvent[] = [];
    let next: GeminiGenerateContentResponse | undefined = chunk;
    for (let count = 1; next !== undefined; count++) {
      noteUsage(usage, next);
      const current = next;
      for (const event of translate(() => translator.push(current))) events.push(event);
      if (count >= BURST_CHUNKS || translator.finished) break;
      try {
        next = upstream.takeBuffered?.();
      } catch (error) {
        send(sink, events);
        failStream(sink, error);
        return undefined;
      }
    }
    send(sink, events);
    return events.length;
  };

  /** The verdicts for the final `message_delta`: only for an answer that will end with `message_stop`. */
  const judgeBeforeEnd = async (): Promise<MessageEndAddition | undefined> => {
    const judge = options.judgeToolUses;
    if (judge === undefined || !translator.complete) return undefined;
    return { safeguardResults: [await judge(translator.toolUses)] };
  };

  const source: AnswerEventSource = {
    kind: "event-source",
    start(sink) {
      // What arrived with the first chunk goes out with it: a burst read at once costs one
      // write, not a write for the first event and another for the rest a turn later.
      if (sendBurst(sink, upstream.first) === undefined) return;
      if (translator.finished) return end(sink);
      pingTimer = setInterval(() => {
        // Only into an empty queue: pings must not pile up behind a slow client.
        if (!closed && (sink.desiredSize ?? 0) >= 0) send(sink, [{ type: "ping" }]);
      }, settings.pingIntervalMs);
    },
    async pull(sink) {
      // Loop until something is sent: a chunk may translate to no events, and the stream
      // would never pull again if this call returned empty-handed.
      while (!closed) {
        let result: IteratorResult<GeminiGenerateContentResponse>;
        startWaiting(sink);
        try {
          result = await upstream.next();
        } catch (error) {
          waitingSince = -1;
          if (closed) return;
          failStream(sink, error);
          return;
        }
        waitingSince = -1;
        // The idle watchdog (or the client) ended the stream while the chunk was awaited.
        if (closed) return;
        if (result.done) {
          const addition = await judgeBeforeEnd();
          // The client may have gone away while the calls were judged.
          if (closed) return;
          send(
            sink,
            translate(() => translator.finish(addition)),
          );
          return end(sink);
        }
        const sent = sendBurst(sink, result.value);
        if (sent === undefined) return;
        if (translator.finished) return end(sink);
        if (sent > 0) return;
      }
    },
    cancel() {
      if (closed) return;
      scope.abort(
        new ClaudeGeminiError({ status: 499, type: "api_error", message: "The client went away." }),
      );
      usage.errorType ??= "aborted";
      closed = true;
      clearInterval(pingTimer);
      clearTimeout(idleTimer);
      upstream.close();
      finish();
    },
  };

  return {
    status: 200,
    body: source,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "request-id": scope.requestId,
      // Tells nginx-style proxies not to buffer the stream.
      "x-accel-buffering": "no",
    },
  };
}

function createIdleError(idleTimeoutMs: number): ClaudeGeminiError {
  return new ClaudeGeminiError({
    status: 529,
    type: "overloaded_error",
    message: `Gemini sent nothing for ${idleTimeoutMs} ms; the stream was cut.`,
  });
}

/** Logs what the translator noted (debug) and what of the answer the client could not be given (warn). */
function reportTranslation(scope: RequestScope, translator: StreamTranslator): void {
  const { logger } = scope.settings;
  if (translator.warnings.length > 0) {
    logger.debug("response conversion warnings", {
      requestId: scope.requestId,
      warnings: translator.warnings,
    });
  }
  if (translator.dropped.length > 0) {
    logger.warn("answer parts not delivered", {
      requestId: scope.requestId,
      dropped: translator.dropped.map((entry) => entry.message),
    });
  }
}

type StreamUsage = Omit<StreamEndEvent, "type" | "requestId">;

/** Collects what `streamEnd` reports from the events sent. */
function observe(usage: StreamUsage, event: AnthropicStreamEvent): void {
  if (event.type === "message_start") usage.inputTokens = event.message.usage.input_tokens;
  else if (event.type === "message_delta") {
    usage.inputTokens = event.usage.input_tokens || usage.inputTokens;
    usage.outputTokens = event.usage.output_tokens;
  } else if (event.type === "error") usage.errorType = event.error.type;
}

function noteUsage(usage: StreamUsage, chunk: GeminiGenerateContentResponse): void {
  const metadata = chunk.usageMetadata;
  if (!metadata) return;
  if (metadata.thoughtsTokenCount !== undefined) usage.thinkingTokens = metadata.thoughtsTokenCount;
  if (metadata.cachedContentTokenCount !== undefined) usage.cachedTokens = metadata.cachedContentTokenCount;
}
