import type {
  GeminiCandidate,
  GeminiGenerateContentParameters,
  GeminiGenerateContentResponse,
} from "@claude-gemini/core";
import { ApiError } from "@google/genai";
import type { GeminiWire } from "./create-gemini-wire.js";
import type { GeminiChunkStream } from "./read-gemini-event-stream.js";

/**
 * Most requests one answer may take. Gemini 4's long decode continues an answer past the
 * per-request output limit (65,536 tokens, 32,768 on some non-streaming calls) up to 1M output
 * tokens in all; 64 hops cover that at the smallest hop. Past it the answer ends as the last hop
 * did (finish reason `CONTINUATION`, served as `end_turn` with a warning).
 */
export const MAX_CONTINUATION_HOPS = 64;

/** A stream hop that broke before it made progress is opened again at most this often in a row. */
export const MAX_RECONNECTS_WITHOUT_PROGRESS = 3;

/**
 * Follows Gemini's long decode, as `@google/genai`'s `generateContent` does by default
 * (`automaticContinuation`): an answer whose candidate carries a `continuationToken` and stops
 * without a final finish reason (none, or `CONTINUATION`) is continued by sending the same
 * request again with that token, until a hop ends for good.
 *
 * - JSON: the hops are merged into one answer (parts appended, the last hop's finish reason,
 *   grounding chunks appended with the later hops' references shifted to match).
 * - Streams: the hops are one stream. A hop's closing `CONTINUATION` is taken off its chunk, so
 *   the translator does not end the message there. A later hop that breaks before it sent
 *   content or a new token is opened again from its token (at most
 *   {@link MAX_RECONNECTS_WITHOUT_PROGRESS} times in a row), and a hop that breaks after a
 *   checkpoint token goes on from that token. Everything else ends the stream as before: an
 *   HTTP error before a hop's first chunk, an aborted call, a failure with no token to go on
 *   from (every stream that is not a long decode).
 * - Usage: output, thought and tool-prompt tokens are summed over the hops (each is billed);
 *   `promptTokenCount` stays the first hop's, because Anthropic's `input_tokens` is the size of
 *   the prompt, which Claude Code budgets its context window with. `totalTokenCount` is summed.
 *
 * An answer without a continuation token passes through untouched, chunk for chunk.
 */
export function followContinuation(wire: GeminiWire): GeminiWire {
  return {
    via: wire.via,
    async generateContent(parameters) {
      let answer = await wire.generateContent(parameters);
      let last = answer;
      for (let hop = 1; hop < MAX_CONTINUATION_HOPS; hop++) {
        const token = readResumeToken(last.candidates?.[0]);
        if (token === undefined) break;
        last = await wire.generateContent(withContinuationToken(parameters, token));
        answer = mergeHops(answer, last);
      }
      return answer;
    },
    async generateContentStream(parameters) {
      return chainStreamHops(wire, parameters, await wire.generateContentStream(parameters));
    },
  };
}

/** The token to continue from, when the candidate stopped without a final finish reason. */
function readResumeToken(candidate: GeminiCandidate | undefined): string | undefined {
  if (!candidate?.continuationToken) return undefined;
  return isResumable(candidate.finishReason) ? candidate.continuationToken : undefined;
}

/** A hop with a token ends on no finish reason (a checkpoint) or `CONTINUATION`; anything else is final. */
function isResumable(finishReason: string | undefined): boolean {
  return finishReason === undefined || finishReason === "CONTINUATION";
}

function withContinuationToken(
  parameters: GeminiGenerateContentParameters,
  continuationToken: string,
): GeminiGenerateContentParameters {
  return { ...parameters, config: { ...parameters.config, continuationToken } };
}

/**
 * A response as the wire hands them on: its own fields in a plain object, typed as the SDK's
 * class, whose getters (`text`, `functionCalls`…) nothing here reads (see `read-gemini-response.ts`).
 */
const plain = (fields: Partial<GeminiGenerateContentResponse>) => fields as GeminiGenerateContentResponse;

type Usage = NonNullable<GeminiGenerateContentResponse["usageMetadata"]>;

/** Billed counts of a later hop are added; the prompt's size and cache stay the first hop's. */
const SUMMED_USAGE_FIELDS = [
  "candidatesTokenCount",
  "thoughtsTokenCount",
  "toolUsePromptTokenCount",
  "totalTokenCount",
] as const satisfies readonly (keyof Usage)[];

function addUsage(before: Usage | undefined, hop: Usage | undefined): Usage | undefined {
  if (before === undefined) return hop;
  if (hop === undefined) return before;
  const sum: Usage = { ...hop, ...before };
  for (const field of SUMMED_USAGE_FIELDS) {
    if (before[field] !== undefined || hop[field] !== undefined)
      sum[field] = (before[field] ?? 0) + (hop[field] ?? 0);
  }
  return sum;
}

/** One answer from two hops of it (JSON calls). */
function mergeHops(
  before: GeminiGenerateContentResponse,
  hop: GeminiGenerateContentResponse,
): GeminiGenerateContentResponse {
  const earlier = before.candidates?.[0];
  const later = hop.candidates?.[0];
  const merged = plain({ ...before, ...hop });
  const usage = addUsage(before.usageMetadata, hop.usageMetadata);
  if (usage !== undefined) merged.usageMetadata = usage;
  if (earlier === undefined || later === undefined) {
    merged.candidates = later === undefined ? before.candidates : hop.candidates;
    return merged;
  }
  const earlierParts = earlier.content?.parts ?? [];
  const candidate: GeminiCandidate = {
    ...earlier,
    ...later,
    content: { role: "model", ...earlier.content, parts: [...earlierParts, ...(later.content?.parts ?? [])] },
  };
  // Fields that describe how this answer ended belong to the last hop alone.
  for (const field of ["finishReason", "finishMessage", "continuationToken"] as const) {
    if (later[field] === undefined) delete candidate[field];
  }
  const grounding = mergeGrounding(earlier, later, earlierParts.length);
  if (grounding !== undefined) candidate.groundingMetadata = grounding;
  merged.candidates = [candidate];
  return merged;
}

/**
 * Search results of both hops, the later hop's supports re-pointed at the merged lists: its
 * chunk indices move past the earlier chunks and its part indices past the earlier parts.
 */
function mergeGrounding(
  earlier: GeminiCandidate,
  later: GeminiCandidate,
  earlierPartCount: number,
): GeminiCandidate["groundingMetadata"] {
  const first = earlier.groundingMetadata;
  const second = later.groundingMetadata;
  if (first === undefined || second === undefined) return second ?? first;
  const chunkOffset = first.groundingChunks?.length ?? 0;
  const shifted = (second.groundingSupports ?? []).map((support) => ({
    ...support,
    ...(support.groundingChunkIndices
      ? { groundingChunkIndices: support.groundingChunkIndices.map((index) => index + chunkOffset) }
      : {}),
    ...(support.segment
      ? { segment: { ...support.segment, partIndex: (support.segment.partIndex ?? 0) + earlierPartCount } }
      : {}),
  }));
  return {
    ...first,
    ...second,
    groundingChunks: [...(first.groundingChunks ?? []), ...(second.groundingChunks ?? [])],
    groundingSupports: [...(first.groundingSupports ?? []), ...shifted],
    webSearchQueries: [...(first.webSearchQueries ?? []), ...(second.webSearchQueries ?? [])],
  };
}

/** What one stream hop has shown so far. */
interface HopState {
  /** The token this hop was opened with (`undefined` for the first). */
  startToken: string | undefined;
  token: string | undefined;
  finishReason: string | undefined;
  promptFeedback: boolean;
  content: boolean;
  anyChunk: boolean;
  /** Latest usage of this hop (running totals within it, as Gemini sends them). */
  usage: Usage | undefined;
}

const newHop = (startToken: string | undefined): HopState => ({
  startToken,
  token: undefined,
  finishReason: undefined,
  promptFeedback: false,
  content: false,
  anyChunk: false,
  usage: undefined,
});

/** The hops of a long decode as one chunk stream (see {@link followContinuation}). */
function chainStreamHops(
  wire: GeminiWire,
  parameters: GeminiGenerateContentParameters,
  first: GeminiChunkStream,
): GeminiChunkStream {
  let current = first;
  let hop = newHop(undefined);
  let hops = 1;
  let reconnects = 0;
  /** Usage of the hops that ended, added to every later chunk's. */
  let usageBefore: Usage | undefined;
  /** A failure `takeBuffered` met; `next` handles it as the hop's end. */
  let deferred: { error: unknown } | undefined;
  let finished = false;

  const observe = (chunk: GeminiGenerateContentResponse): GeminiGenerateContentResponse => {
    hop.anyChunk = true;
    if (chunk.promptFeedback) hop.promptFeedback = true;
    if (chunk.usageMetadata) hop.usage = chunk.usageMetadata;
    const candidate = chunk.candidates?.[0];
    if (candidate !== undefined) {
      if ((candidate.content?.parts?.length ?? 0) > 0) hop.content = true;
      if (candidate.finishReason !== undefined) hop.finishReason = candidate.finishReason;
      if (candidate.continuationToken) hop.token = candidate.continuationToken;
      else if (!isResumable(candidate.finishReason)) hop.token = undefined;
    }
    if (usageBefore === undefined && hop.token === undefined) return chunk;
    let shown = chunk;
    if (usageBefore !== undefined && chunk.usageMetadata !== undefined) {
      shown = plain({ ...shown, usageMetadata: addUsage(usageBefore, chunk.usageMetadata) });
    }
    if (candidate?.finishReason === "CONTINUATION" && canResume()) {
      // Not the end of the message: the next hop goes on with it.
      const { finishReason: _ending, ...going } = candidate;
      shown = plain({ ...shown, candidates: [going, ...(chunk.candidates ?? []).slice(1)] });
    }
    return shown;
  };

  /** The token the next hop starts from, if there is to be one, and the reconnect count after it. */
  const nextStart = (): { token: string | undefined; reconnects: number } => {
    if (hop.finishReason !== undefined || hop.promptFeedback) {
      const resumed =
        hop.finishReason === "CONTINUATION" && !hop.promptFeedback && hop.token !== hop.startToken;
      return { token: resumed ? hop.token : undefined, reconnects: 0 };
    }
    if (hop.token !== undefined && hop.token !== hop.startToken) return { token: hop.token, reconnects: 0 };
    // The hop broke before a checkpoint of its own: open it again from where it began, if it
    // showed nothing yet (its content would otherwise be sent twice).
    if (hop.content || reconnects >= MAX_RECONNECTS_WITHOUT_PROGRESS) return { token: undefined, reconnects };
    return { token: hop.startToken, reconnects: reconnects + 1 };
  };

  const canResume = () => hops < MAX_CONTINUATION_HOPS && nextStart().token !== undefined;

  /** Ends the current hop; resolves with whether another one was opened. Throws when the stream fails. */
  const endHop = async (failure: { error: unknown } | undefined): Promise<boolean> => {
    if (hop.usage !== undefined) usageBefore = addUsage(usageBefore, hop.usage);
    const aborted = parameters.config?.abortSignal?.aborted === true;
    const refused = failure !== undefined && failure.error instanceof ApiError && !hop.anyChunk;
    if (failure !== undefined && (aborted || refused)) throw failure.error;
    const next = nextStart();
    const resumable =
      next.token !== undefined &&
      !hop.promptFeedback &&
      isResumable(hop.finishReason) &&
      hops < MAX_CONTINUATION_HOPS;
    if (!resumable) {
      if (failure !== undefined) throw failure.error;
      return false;
    }
    reconnects = next.reconnects;
    hops++;
    hop = newHop(next.token);
    const token = next.token as string;
    try {
      current = await wire.generateContentStream(withContinuationToken(parameters, token));
    } catch (error) {
      return endHop({ error });
    }
    return true;
  };

  const next = async (): Promise<IteratorResult<GeminiGenerateContentResponse, void>> => {
    while (!finished) {
      let failure = deferred;
      deferred = undefined;
      if (failure === undefined) {
        try {
          const result = await current.next();
          if (!result.done) return { done: false, value: observe(result.value) };
        } catch (error) {
          failure = { error };
        }
      }
      try {
        if (await endHop(failure)) continue;
      } catch (error) {
        finished = true;
        throw error;
      }
      finished = true;
    }
    return { done: true, value: undefined };
  };

  const stream = (async function* () {
    for (;;) {
      const result = await next();
      if (result.done) return;
      yield result.value;
    }
  })() as GeminiChunkStream;
  const closeGenerator = stream.return.bind(stream);
  stream.return = async (value) => {
    finished = true;
    await current.return(undefined).catch(() => {});
    return closeGenerator(value);
  };
  stream.takeBuffered = () => {
    if (deferred !== undefined || finished) return undefined;
    let chunk: GeminiGenerateContentResponse | undefined;
    try {
      chunk = current.takeBuffered();
    } catch (error) {
      // Left for `next`, which may open the hop again instead of failing the stream.
      deferred = { error };
      return undefined;
    }
    return chunk === undefined ? undefined : observe(chunk);
  };
  return stream;
}
