/**
 * The one reader of Gemini failures: what the service said, as typed fields, from the
 * structured error only (`code`, `status`, `details[]`). Retry, key rotation, model fallback,
 * capability correction and the client's error answer all decide from these fields; none of
 * them reads message text with a pattern of its own.
 *
 * Error model: https://ai.google.dev/gemini-api/docs/troubleshooting and google.rpc
 * (`Status`, `ErrorInfo`, `RetryInfo`, `QuotaFailure`, `BadRequest`:
 * https://github.com/googleapis/googleapis/blob/master/google/rpc/error_details.proto).
 * `@google/genai` throws `ApiError { status, message }` whose message is the JSON error body,
 * sometimes behind a `got status: …` prefix; a failed stream yields a chunk `{ error: … }`.
 */
import type { GeminiErrorStatus, GeminiThinkingLevel } from "./gemini-api.js";

/** A generation setting Gemini refused for the model, read from an anchored message template. */
export type SettingRejection =
  /** The level is not one this model takes; `allowed` when the service listed them. */
  | { setting: "thinkingLevel"; rejected: string; allowed?: GeminiThinkingLevel[] }
  /** The model takes levels only (Gemini 4): any `thinkingBudget` is refused. */
  | { setting: "thinkingBudget"; problem: "levels-only" }
  /** The model takes budgets only (Gemini 2.5): any `thinkingLevel` is refused. */
  | { setting: "thinkingLevel"; problem: "budgets-only" }
  /** A budget outside the model's range; `canDisable` says whether 0 was listed as legal. */
  | { setting: "thinkingBudget"; rejected: number; min: number; max: number; canDisable: boolean }
  /** 0 on a model that always thinks. */
  | { setting: "thinkingBudget"; rejected: 0; problem: "cannot-disable" }
  /** `maxOutputTokens` above the model's limit; `max` is the largest legal value. */
  | { setting: "maxOutputTokens"; rejected: number; max: number };

/** What a Gemini failure says, field by field. */
export interface GeminiFailure {
  /** The HTTP code of the answer (`error.code`, else the `ApiError` status). */
  httpStatus: number | undefined;
  /** google.rpc status name, e.g. `RESOURCE_EXHAUSTED`. */
  status: GeminiErrorStatus | undefined;
  /** Whether the answer was Google's structured error (`{ error: { code, status, … } }`), not a bare page. */
  structured: boolean;
  /** The service's message, trimmed; for display only, never for decisions. */
  message: string;
  /** `ErrorInfo.reason` of every detail that has one, e.g. `API_KEY_INVALID`. */
  reasons: string[];
  /** `RetryInfo.retryDelay` in milliseconds. */
  retryDelayMs: number | undefined;
  /** `QuotaFailure`: the quota ids that ran out, and whether any is a per-day quota. */
  quota: { quotaIds: string[]; perDay: boolean } | undefined;
  /** `BadRequest.fieldViolations[].field`: the request fields the service named. */
  fieldViolations: string[];
  /** The credential itself is refused (invalid, expired, blocked key; suspended project). */
  keyRejected: boolean;
  /** A generation setting refused for this model, when the failure is exactly that. */
  settingRejection: SettingRejection | undefined;
}

// ErrorInfo reasons about the credential or the project behind it, not the request
// (https://cloud.google.com/apis/design/errors#error_info, API key errors).
const KEY_REJECTION_REASONS: ReadonlySet<string> = new Set([
  "API_KEY_INVALID",
  "API_KEY_EXPIRED",
  "API_KEY_SERVICE_BLOCKED",
  "API_KEY_HTTP_REFERRER_BLOCKED",
  "API_KEY_IP_ADDRESS_BLOCKED",
  "API_KEY_ANDROID_APP_BLOCKED",
  "API_KEY_IOS_APP_BLOCKED",
  "CONSUMER_SUSPENDED",
  "CONSUMER_INVALID",
  "SERVICE_DISABLED",
  "ACCESS_TOKEN_EXPIRED",
  "ACCESS_TOKEN_TYPE_UNSUPPORTED",
]);

const GEMINI_STATUSES: ReadonlySet<string> = new Set<GeminiErrorStatus>([
  "INVALID_ARGUMENT",
  "FAILED_PRECONDITION",
  "OUT_OF_RANGE",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "NOT_FOUND",
  "RESOURCE_EXHAUSTED",
  "CANCELLED",
  "UNKNOWN",
  "INTERNAL",
  "UNAVAILABLE",
  "DEADLINE_EXCEEDED",
  "UNIMPLEMENTED",
  "ABORTED",
  "ALREADY_EXISTS",
  "DATA_LOSS",
]);

const LEVELS: ReadonlySet<string> = new Set<GeminiThinkingLevel>([
  "MINIMAL",
  "LOW",
  "MEDIUM",
  "HIGH",
  "XHIGH",
]);

/**
 * The service's wordings for a refused generation setting, each matched against the WHOLE
 * message (anchored): a 400 that quotes request content around such a sentence matches none,
 * so client text can never pass for a setting rejection. Observed and documented wordings:
 * https://ai.google.dev/gemini-api/docs/thinking (levels per model, budget ranges),
 * the MINIMAL refusal of 3.7/3.8 Flash (protocol.md §3), Vertex AI's range wording.
 */
const SETTING_TEMPLATES: readonly {
  pattern: RegExp;
  read: (match: RegExpExecArray) => SettingRejection | undefined;
}[] = [
  {
    pattern:
      /^'([a-z_]+)' is not a supported thinking level for this model\. Allowed values are: ([a-z_, ]+)\.?$/i,
    read: (match) => levelRejection(match[1]!, match[2]!),
  },
  {
    pattern:
      /^Thinking level "([a-z_]+)" is not supported for models\/[\w.-]+\. Supported levels: ([a-z_, ]+)\.?$/i,
    read: (match) => levelRejection(match[1]!, match[2]!),
  },
  {
    pattern: /^Unable to submit request because thinking_level ([a-z_]+) is not supported by this model\.?$/i,
    read: (match) => levelRejection(match[1]!, undefined),
  },
  {
    pattern: /^Thinking budget is not supported for this model\. Use thinking level instead\.?$/i,
    read: () => ({ setting: "thinkingBudget", problem: "levels-only" }),
  },
  {
    pattern: /^Thinking level is not supported for this model\.?$/i,
    read: () => ({ setting: "thinkingLevel", problem: "budgets-only" }),
  },
  {
    pattern:
      /^The thinking budget (-?\d+) is invalid\. Please choose a value of (0, )?-1 or between (\d+) and (\d+)\.?$/i,
    read: (match) => ({
      setting: "thinkingBudget",
      rejected: Number(match[1]),
      min: Number(match[3]),
      max: Number(match[4]),
      canDisable: match[2] !== undefined,
    }),
  },
  {
    pattern: /^Budget 0 is invalid\. This model only works in thinking mode\.?$/i,
    read: () => ({ setting: "thinkingBudget", rejected: 0, problem: "cannot-disable" }),
  },
  {
    pattern:
      /^Unable to submit request because it has a maxOutputTokens value of (\d+) but the supported range is from (\d+) \(inclusive\) to (\d+) \(exclusive\)\. Update the value and try again\.?$/i,
    read: (match) => ({ setting: "maxOutputTokens", rejected: Number(match[1]), max: Number(match[3]) - 1 }),
  },
];

interface ErrorPayload {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

/**
 * Reads a thrown upstream failure: an `ApiError` from `@google/genai`, a Gemini `{ error }`
 * stream chunk or error envelope, or a bare `{ code, message, status, details }`. Returns
 * `undefined` for anything that is not a Gemini answer (a network failure, an abort, our own
 * errors): those are not the service's word.
 *
 * @example
 * const failure = readGeminiFailure(error);
 * if (failure?.keyRejected) pool.remove(key);
 */
export function readGeminiFailure(error: unknown): GeminiFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const httpStatus = typeof record.status === "number" ? record.status : undefined;
  let payload: ErrorPayload | undefined;
  if (isPayload(record.error)) payload = record.error;
  else if (Array.isArray(error) && isEnvelope(error[0])) payload = error[0].error;
  else if (record.name === "ApiError" && typeof record.message === "string") {
    const parsed = parsePayload(record.message);
    if (parsed === undefined) return describe({ message: record.message }, httpStatus, false);
    payload = parsed;
  } else if (isPayload(record) && typeof record.code === "number" && typeof record.status === "string") {
    payload = record;
  }
  if (payload === undefined) {
    if (record.name !== "ApiError" || httpStatus === undefined) return undefined;
    return describe({}, httpStatus, false);
  }
  return describe(payload, httpStatus, true);
}

function describe(payload: ErrorPayload, httpStatus: number | undefined, structured: boolean): GeminiFailure {
  const details = Array.isArray(payload.details)
    ? payload.details.filter((detail): detail is Record<string, unknown> => isObject(detail))
    : [];
  const status =
    typeof payload.status === "string" && GEMINI_STATUSES.has(payload.status)
      ? (payload.status as GeminiErrorStatus)
      : undefined;
  const message = typeof payload.message === "string" ? payload.message.trim() : "";
  const reasons = details.flatMap((detail) => (typeof detail.reason === "string" ? [detail.reason] : []));
  const retryDelay = details.find((detail) => typeof detail.retryDelay === "string")?.retryDelay;
  const quotaIds = details.flatMap((detail) =>
    Array.isArray(detail.violations)
      ? detail.violations.flatMap((violation: unknown) =>
          isObject(violation) && typeof violation.quotaId === "string" ? [violation.quotaId] : [],
        )
      : [],
  );
  const fieldViolations = details.flatMap((detail) =>
    Array.isArray(detail.fieldViolations)
      ? detail.fieldViolations.flatMap((violation: unknown) =>
          isObject(violation) && typeof violation.field === "string" ? [violation.field] : [],
        )
      : [],
  );
  const code = typeof payload.code === "number" ? payload.code : httpStatus;
  return {
    httpStatus: code,
    structured,
    status,
    message,
    reasons,
    retryDelayMs: typeof retryDelay === "string" ? parseDuration(retryDelay) : undefined,
    quota:
      quotaIds.length > 0
        ? { quotaIds, perDay: quotaIds.some((quotaId) => /PerDay/i.test(quotaId)) }
        : undefined,
    fieldViolations,
    keyRejected: reasons.some((reason) => KEY_REJECTION_REASONS.has(reason)) || status === "UNAUTHENTICATED",
    settingRejection:
      status === "INVALID_ARGUMENT" || (status === undefined && code === 400)
        ? readSetting(message)
        : undefined,
  };
}

function readSetting(message: string): SettingRejection | undefined {
  // One sentence, as the service writes it; anything longer is not a template match.
  if (message.length > 300 || message.includes("\n")) return undefined;
  for (const template of SETTING_TEMPLATES) {
    const match = template.pattern.exec(message);
    if (match) return template.read(match);
  }
  return undefined;
}

function levelRejection(rejected: string, allowedText: string | undefined): SettingRejection | undefined {
  const level = rejected.toUpperCase();
  if (!LEVELS.has(level)) return undefined;
  if (allowedText === undefined) return { setting: "thinkingLevel", rejected: level };
  const allowed = allowedText
    .split(",")
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item !== "");
  // Only values of the API's enum: a list with anything else is not the service's.
  if (allowed.length === 0 || !allowed.every((item) => LEVELS.has(item))) return undefined;
  return { setting: "thinkingLevel", rejected: level, allowed: allowed as GeminiThinkingLevel[] };
}

/** Parses a protobuf JSON Duration ("53s", "1.5s", "0.500s") and the odd "500ms" / "2m" / "1h". */
function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const unit = match[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  const milliseconds = Number(match[1]) * factor;
  return Number.isFinite(milliseconds) ? Math.round(milliseconds) : undefined;
}

/** `ApiError.message` is the JSON error body, sometimes behind a prefix like `got status: …. `. */
function parsePayload(text: string): ErrorPayload | undefined {
  for (const opening of ["{", "["]) {
    const start = text.indexOf(opening);
    if (start < 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start));
    } catch {
      continue;
    }
    const envelope = Array.isArray(parsed) ? parsed[0] : parsed;
    if (isEnvelope(envelope)) return envelope.error;
  }
  return undefined;
}

function isEnvelope(value: unknown): value is { error: ErrorPayload } {
  return isObject(value) && isPayload(value.error);
}

function isPayload(value: unknown): value is ErrorPayload {
  if (!isObject(value) || Array.isArray(value)) return false;
  return (
    typeof value.message === "string" || typeof value.status === "string" || typeof value.code === "number"
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
