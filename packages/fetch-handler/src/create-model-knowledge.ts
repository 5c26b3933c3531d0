import type { CapabilityCorrection, ModelCapabilities } from "@claude-gemini/core";
import { describeFailure } from "./describe-failure.js";
import type { FetchHandlerLogger } from "./fetch-handler-options.js";

/** What `models.get` reports about one model (the fields the proxy uses). */
export interface ModelMetadata {
  displayName?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  /** Whether the model thinks at all. */
  thinking?: boolean;
}

/** One model as the service described it and corrected the table: for `/v1/models` and `doctor`. */
export interface KnownModelRecord {
  model: string;
  metadata: ModelMetadata | undefined;
  /** Corrections proven by the service, in words (`thinking levels LOW, MEDIUM, HIGH`). */
  lessons: string[];
}

/**
 * What the handler learned about Gemini models from the service itself, for the life of the
 * process: model metadata (`models.get`, fetched in the background, never on a request's path)
 * and capability corrections proven by a refused setting followed by a served corrected call.
 * Both are bounded; `discovered` and `learned` plug into `ModelMappingOptions`.
 */
export interface ModelKnowledge {
  /** Capabilities from the model's metadata, if it was fetched; starts the fetch when not. */
  discovered(model: string): Partial<ModelCapabilities> | undefined;
  /** Proven corrections of the model's capabilities. */
  learned(model: string): Partial<ModelCapabilities> | undefined;
  /** Keeps a correction whose corrected call succeeded; logs each new lesson once at info. */
  remember(model: string, correction: CapabilityCorrection): void;
  /** Fetches metadata in the background unless it is known, in flight or recently failed. */
  prefetch(model: string): void;
  /** The metadata when known, without starting a fetch. */
  metadata(model: string): ModelMetadata | undefined;
  /** Every model with metadata or lessons. */
  records(): KnownModelRecord[];
  /** Resolves once every metadata fetch started so far has settled (tests, start-up checks). */
  settled(): Promise<void>;
}

export interface CreateModelKnowledgeOptions {
  /** Fetches one model's metadata; absent means no metadata (a host that cannot ask). */
  fetchMetadata?: (model: string) => Promise<ModelMetadata>;
  logger: FetchHandlerLogger;
  /** Models remembered at most; the oldest is forgotten first. Default 256. */
  maxModels?: number;
  /** A failed metadata fetch is not retried for this long. Default 300000. */
  retryAfterMs?: number;
  /** A metadata fetch that takes longer is given up. Default 10000. */
  timeoutMs?: number;
  now?: () => number;
}

interface Entry {
  metadata?: ModelMetadata;
  failedAt?: number;
  fetching?: Promise<void>;
  learned?: Partial<ModelCapabilities>;
  lessons: string[];
}

/**
 * Builds the handler's {@link ModelKnowledge}. A metadata call that fails or hangs changes
 * nothing: the table's values stay in force and the next attempt waits `retryAfterMs`.
 *
 * @example
 * const knowledge = createModelKnowledge({ fetchMetadata, logger });
 * const models = { ...options.models, discovered: knowledge.discovered, learned: knowledge.learned };
 */
export function createModelKnowledge(options: CreateModelKnowledgeOptions): ModelKnowledge {
  const maxModels = options.maxModels ?? 256;
  const retryAfterMs = options.retryAfterMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function entryOf(model: string): Entry {
    let entry = entries.get(model);
    if (entry === undefined) {
      entry = { lessons: [] };
      entries.set(model, entry);
      while (entries.size > maxModels) entries.delete(entries.keys().next().value!);
    }
    return entry;
  }

  function prefetch(model: string): void {
    const fetchMetadata = options.fetchMetadata;
    if (fetchMetadata === undefined || !/^[\w.-]+$/.test(model)) return;
    const entry = entryOf(model);
    if (entry.metadata !== undefined || entry.fetching !== undefined) return;
    if (entry.failedAt !== undefined && now() - entry.failedAt < retryAfterMs) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    entry.fetching = Promise.race([fetchMetadata(model), timeout])
      .then((metadata) => {
        entry.metadata = metadata;
        entry.failedAt = undefined;
        options.logger.debug("Gemini model metadata", { geminiModel: model, ...metadata });
      })
      .catch((error: unknown) => {
        entry.failedAt = now();
        options.logger.debug("Gemini model metadata unavailable; using the built-in table", {
          geminiModel: model,
          error: describeFailure(error),
        });
      })
      .finally(() => {
        clearTimeout(timer);
        entry.fetching = undefined;
      });
  }

  return {
    discovered(model) {
      const entry = entries.get(model);
      if (entry?.metadata === undefined) {
        prefetch(model);
        return undefined;
      }
      return capabilitiesFromMetadata(entry.metadata);
    },
    learned: (model) => entries.get(model)?.learned,
    remember(model, correction) {
      const entry = entryOf(model);
      entry.learned = { ...entry.learned, ...correction.capabilities };
      if (entry.lessons.includes(correction.lesson)) return;
      entry.lessons.push(correction.lesson);
      options.logger.info("Gemini corrected a model capability; remembered for this process", {
        geminiModel: model,
        lesson: correction.lesson,
      });
    },
    prefetch,
    metadata: (model) => entries.get(model)?.metadata,
    records: () =>
      [...entries].flatMap(([model, entry]) =>
        entry.metadata === undefined && entry.lessons.length === 0
          ? []
          : [{ model, metadata: entry.metadata, lessons: [...entry.lessons] }],
      ),
    async settled() {
      for (;;) {
        const pending = [...entries.values()].flatMap((entry) => (entry.fetching ? [entry.fetching] : []));
        if (pending.length === 0) return;
        await Promise.all(pending);
      }
    },
  };
}

/** The limits a model reports; its thinking flag only says "none" when the model cannot think. */
function capabilitiesFromMetadata(metadata: ModelMetadata): Partial<ModelCapabilities> {
  const capabilities: Partial<ModelCapabilities> = {};
  if (isTokenCount(metadata.inputTokenLimit)) capabilities.maxInputTokens = metadata.inputTokenLimit;
  if (isTokenCount(metadata.outputTokenLimit)) capabilities.maxOutputTokens = metadata.outputTokenLimit;
  if (metadata.thinking === false) capabilities.thinking = { style: "none" };
  return capabilities;
}

function isTokenCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 16_777_216;
}
