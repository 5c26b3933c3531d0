import { listConfiguredModels, type RequestLimits } from "@claude-gemini/core";
import { z } from "zod";
import type { LogLevel } from "./create-request-logger.js";
import type { FetchHandlerOptions, RetryOptions } from "./fetch-handler-options.js";

/** What {@link parseEnvironment} found: handler options, the log level, and what is wrong or odd. */
export interface ParsedEnvironment {
  /** Options for `createFetchHandler` (and `createServer`); only variables that were set appear. */
  options: FetchHandlerOptions;
  /** `LOG_LEVEL`, default `info`: the host builds its logger with it (see `createRequestLogger`). */
  logLevel: LogLevel;
  /** One sentence per bad or missing variable, each naming it. A host should not serve while any remain. */
  problems: string[];
  /** Settings that were set but have no effect, one sentence each. */
  warnings: string[];
}

/** The problem {@link parseEnvironment} reports when no Gemini credentials are set; tests and wrappers match on it. */
export const MISSING_API_KEY_MESSAGE =
  "GEMINI_API_KEY is not set. Get a key at https://aistudio.google.com/apikey and put it in the environment or a .env file.";

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  "1": true,
  yes: true,
  false: false,
  "0": false,
  no: false,
};
const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const satisfies readonly LogLevel[];

/** Blank values count as unset: `.env` templates and Workers' `[vars]` are full of `PROXY_API_KEY=`. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

function booleanVariable(name: string) {
  return optionalText.transform((value, context) => {
    if (value === undefined) return undefined;
    const parsed = BOOLEAN_WORDS[value.toLowerCase()];
    if (parsed === undefined) {
      context.addIssue({
        code: "custom",
        message: `${name} must be true or false (also 1/0, yes/no), got "${value}".`,
      });
      return z.NEVER;
    }
    return parsed;
  });
}

function integerVariable(name: string, minimum: number, maximum: number, describe: string) {
  return optionalText.transform((value, context) => {
    if (value === undefined) return undefined;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      context.addIssue({ code: "custom", message: `${name} must be ${describe}, got "${value}".` });
      return z.NEVER;
    }
    return parsed;
  });
}

function modelVariable(name: string) {
  return optionalText.transform((value, context) => {
    if (value === undefined || isGeminiModelName(value)) return value;
    context.addIssue({
      code: "custom",
      message: `${name} "${value}" is not a Gemini model: use a name starting with "gemini-" (for example ${listConfiguredModels().join(", ")}).`,
    });
    return z.NEVER;
  });
}

function listVariable() {
  return optionalText.transform((value) =>
    value === undefined
      ? undefined
      : value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
  );
}

/**
 * `FALLBACK_MODELS`: chains separated by `;`, each `primary:fallback,fallback` or, without a
 * primary, a chain for every model. `gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite`
 * sends overloaded or missing 3 Pro requests to 3.8 Flash, then 3.5 Flash-Lite.
 */
const fallbackModelsVariable = optionalText.transform((value, context) => {
  if (value === undefined) return undefined;
  const chains: Record<string, string[]> = {};
  const invalid: string[] = [];
  for (const entry of value
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(":");
    const primary = colon < 0 ? "*" : entry.slice(0, colon).trim();
    const models = (colon < 0 ? entry : entry.slice(colon + 1))
      .split(",")
      .map((model) => model.trim())
      .filter(Boolean);
    for (const model of primary === "*" ? models : [primary, ...models])
      if (!isGeminiModelName(model)) invalid.push(model);
    if (models.length === 0) invalid.push(entry);
    chains[primary] = models;
  }
  if (invalid.length > 0) {
    context.addIssue({
      code: "custom",
      message: `FALLBACK_MODELS must be chains like gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite (separated by ;) of Gemini model names; not valid: "${invalid.join(", ")}".`,
    });
    return z.NEVER;
  }
  return chains;
});

const environmentSchema = z.object({
  GEMINI_API_KEY: optionalText,
  GEMINI_API_KEYS: listVariable(),
  GOOGLE_GENAI_USE_VERTEXAI: booleanVariable("GOOGLE_GENAI_USE_VERTEXAI"),
  GOOGLE_CLOUD_PROJECT: optionalText,
  GOOGLE_CLOUD_LOCATION: optionalText,
  GEMINI_BASE_URL: optionalText.transform((value, context) => {
    if (value === undefined) return undefined;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      // The value may hold credentials (`https://user:secret@gateway/…`, `?key=…`): never echo them.
      context.addIssue({
        code: "custom",
        message: `GEMINI_BASE_URL must be an http(s) URL, got "${maskUrlCredentials(value)}".`,
      });
      return z.NEVER;
    }
    return value;
  }),
  PROXY_API_KEY: optionalText,
  ALLOW_UNAUTHENTICATED_REMOTE: booleanVariable("ALLOW_UNAUTHENTICATED_REMOTE"),
  DEFAULT_MODEL: modelVariable("DEFAULT_MODEL"),
  OPUS_MODEL: modelVariable("OPUS_MODEL"),
  SONNET_MODEL: modelVariable("SONNET_MODEL"),
  HAIKU_MODEL: modelVariable("HAIKU_MODEL"),
  ENABLE_STREAMING: booleanVariable("ENABLE_STREAMING"),
  ENABLE_METRICS: booleanVariable("ENABLE_METRICS"),
  LOG_LEVEL: optionalText.transform((value, context) => {
    if (value === undefined) return "info" as const;
    const level = LOG_LEVELS.find((candidate) => candidate === value.toLowerCase());
    if (!level) {
      context.addIssue({
        code: "custom",
        message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${value}".`,
      });
      return z.NEVER;
    }
    return level;
  }),
  REQUEST_TIMEOUT_MS: integerVariable(
    "REQUEST_TIMEOUT_MS",
    1,
    86_400_000,
    "a number of milliseconds above 0",
  ),
  RETRY_MAX_ATTEMPTS: integerVariable("RETRY_MAX_ATTEMPTS", 1, 10, "a number of attempts from 1 to 10"),
  RETRY_BASE_DELAY_MS: integerVariable(
    "RETRY_BASE_DELAY_MS",
    0,
    60_000,
    "a number of milliseconds up to 60000",
  ),
  RETRY_MAX_TOTAL_DELAY_MS: integerVariable(
    "RETRY_MAX_TOTAL_DELAY_MS",
    0,
    600_000,
    "a number of milliseconds up to 600000",
  ),
  RETRY_MAX_DELAY_MS: integerVariable(
    "RETRY_MAX_DELAY_MS",
    0,
    600_000,
    "a number of milliseconds up to 600000",
  ),
  RETRY_HTTP_STATUS_CODES: optionalText.transform((value, context): number[] | undefined => {
    if (value === undefined) return undefined;
    const items = value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    const codes = items.map((item) => (/^\d{3}$/.test(item) ? Number(item) : Number.NaN));
    if (codes.length === 0 || codes.some((code) => !(code >= 400 && code <= 599))) {
      context.addIssue({
        code: "custom",
        message: `RETRY_HTTP_STATUS_CODES must be HTTP error statuses (400 to 599) separated by commas, such as 429,503, got "${value}".`,
      });
      return z.NEVER;
    }
    return codes;
  }),
  MAX_BODY_BYTES: integerVariable("MAX_BODY_BYTES", 1, 2 ** 40, "a number of bytes above 0"),
  CORS_ORIGINS: optionalText.transform((value, context): string[] | "*" | undefined => {
    if (value === undefined) return undefined;
    if (value === "*") return "*";
    const origins = value
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean);
    // An origin is scheme, host and port only: a path or trailing slash would never match.
    const invalid = origins.filter((origin) => !URL.canParse(origin) || new URL(origin).origin !== origin);
    if (invalid.length > 0) {
      context.addIssue({
        code: "custom",
        message: `CORS_ORIGINS must be * or a comma-separated list of origins like https://app.example.com, got "${invalid.join(", ")}".`,
      });
      return z.NEVER;
    }
    return origins;
  }),
  FALLBACK_MODELS: fallbackModelsVariable,
  ENABLE_CONTEXT_CACHE: booleanVariable("ENABLE_CONTEXT_CACHE"),
  CONTEXT_CACHE_MIN_TOKENS: integerVariable(
    "CONTEXT_CACHE_MIN_TOKENS",
    1,
    10_000_000,
    "a whole number of tokens above 0",
  ),
  CONTEXT_CACHE_TTL_SECONDS: integerVariable(
    "CONTEXT_CACHE_TTL_SECONDS",
    60,
    604_800,
    "a number of seconds from 60 to 604800",
  ),
  MAX_JSON_DEPTH: integerVariable("MAX_JSON_DEPTH", 1, 100_000, "a nesting depth from 1 to 100000"),
  // Gemini takes at most 512 function declarations, so a higher limit would only move the 400 upstream.
  MAX_TOOLS: integerVariable("MAX_TOOLS", 0, 512, "a whole number from 0 to 512 (Gemini's limit)"),
  MAX_MEDIA_BYTES: integerVariable("MAX_MEDIA_BYTES", 1, 2 ** 40, "a number of bytes above 0"),
  ENABLE_AUTO_MODE_CHECK: booleanVariable("ENABLE_AUTO_MODE_CHECK"),
  AUTO_MODE_CHECK_MODEL: modelVariable("AUTO_MODE_CHECK_MODEL"),
  AUTO_MODE_CHECK_TIMEOUT_MS: integerVariable(
    "AUTO_MODE_CHECK_TIMEOUT_MS",
    100,
    600_000,
    "a number of milliseconds from 100 to 600000",
  ),
});

type Environment = z.output<typeof environmentSchema>;

/** Every variable {@link parseEnvironment} reads, in the order it declares them; the docs list each one. */
export const ENVIRONMENT_VARIABLE_NAMES: readonly string[] = Object.keys(environmentSchema.shape);

const MODEL_VARIABLES = {
  DEFAULT_MODEL: "defaultModel",
  OPUS_MODEL: "opusModel",
  SONNET_MODEL: "sonnetModel",
  HAIKU_MODEL: "haikuModel",
} as const satisfies Partial<Record<keyof Environment, string>>;

/**
 * Reads the proxy's settings from environment variables, the same names on every host: Node's
 * command reads `process.env` and `.env`, Deno `Deno.env.toObject()`, Bun `Bun.env`, a Worker
 * its `env` bindings. Unknown names are left alone (an environment holds much else), blank
 * values count as unset, and every problem is reported at once, one sentence naming the
 * variable each, so a user fixes them all in one go. Pure: no I/O, no globals.
 *
 * Needs `GEMINI_API_KEY` (or `GEMINI_API_KEYS`), or `GOOGLE_GENAI_USE_VERTEXAI=true` with
 * `GOOGLE_CLOUD_PROJECT` and `GOOGLE_CLOUD_LOCATION`.
 *
 * @example
 * const { options, problems } = parseEnvironment(Deno.env.toObject());
 * if (problems.length > 0) throw new Error(problems.join("\n"));
 * Deno.serve(createFetchHandler(options));
 */
export function parseEnvironment(record: Readonly<Record<string, string | undefined>>): ParsedEnvironment {
  const known: Record<string, string | undefined> = {};
  for (const name of ENVIRONMENT_VARIABLE_NAMES) {
    // Workers hand over non-string bindings (numbers from `[vars]`) as they are.
    const value: unknown = record[name];
    if (value !== undefined && value !== null) known[name] = String(value);
  }
  const parsed = environmentSchema.safeParse(known);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  const warnings: string[] = [];
  const present = (name: string) => (known[name] ?? "").trim() !== "";
  const useVertex = parsed.success
    ? parsed.data.GOOGLE_GENAI_USE_VERTEXAI === true
    : BOOLEAN_WORDS[(known.GOOGLE_GENAI_USE_VERTEXAI ?? "").trim().toLowerCase()] === true;
  if (useVertex) {
    for (const name of ["GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION"]) {
      if (!present(name))
        problems.push(`${name} is not set; Vertex AI (GOOGLE_GENAI_USE_VERTEXAI=true) needs it.`);
    }
    for (const name of ["GEMINI_API_KEY", "GEMINI_API_KEYS"]) {
      if (present(name))
        warnings.push(`${name} is ignored: GOOGLE_GENAI_USE_VERTEXAI=true uses Vertex AI credentials.`);
    }
  } else if (!present("GEMINI_API_KEY") && !/[^\s,]/.test(known.GEMINI_API_KEYS ?? "")) {
    problems.push(MISSING_API_KEY_MESSAGE);
  }
  if (!parsed.success) return { options: {}, logLevel: "info", problems, warnings };

  const data = parsed.data;
  if (data.ENABLE_CONTEXT_CACHE !== true) {
    for (const name of ["CONTEXT_CACHE_MIN_TOKENS", "CONTEXT_CACHE_TTL_SECONDS"] as const) {
      if (data[name] !== undefined) warnings.push(`${name} is ignored: ENABLE_CONTEXT_CACHE is not true.`);
    }
  }
  return { options: toHandlerOptions(data, useVertex), logLevel: data.LOG_LEVEL, problems, warnings };
}

function toHandlerOptions(data: Environment, useVertex: boolean): FetchHandlerOptions {
  const options: FetchHandlerOptions = {};
  if (useVertex) {
    options.vertexai = { project: data.GOOGLE_CLOUD_PROJECT!, location: data.GOOGLE_CLOUD_LOCATION! };
  } else {
    if (data.GEMINI_API_KEY !== undefined) options.apiKey = data.GEMINI_API_KEY;
    if (data.GEMINI_API_KEYS !== undefined && data.GEMINI_API_KEYS.length > 0)
      options.apiKeys = data.GEMINI_API_KEYS;
  }
  if (data.GEMINI_BASE_URL !== undefined) options.baseUrl = data.GEMINI_BASE_URL;
  if (data.PROXY_API_KEY !== undefined) options.proxyApiKey = data.PROXY_API_KEY;
  if (data.ALLOW_UNAUTHENTICATED_REMOTE === true) options.allowUnauthenticatedRemote = true;
  const models: NonNullable<FetchHandlerOptions["models"]> = {};
  for (const [variable, key] of Object.entries(MODEL_VARIABLES)) {
    const value = data[variable as keyof typeof MODEL_VARIABLES];
    if (value !== undefined) models[key] = value;
  }
  if (Object.keys(models).length > 0) options.models = models;
  if (data.ENABLE_STREAMING !== undefined) options.enableStreaming = data.ENABLE_STREAMING;
  if (data.ENABLE_METRICS === true) options.metrics = true;
  if (data.REQUEST_TIMEOUT_MS !== undefined) options.requestTimeoutMs = data.REQUEST_TIMEOUT_MS;
  const retry: RetryOptions = {};
  if (data.RETRY_MAX_ATTEMPTS !== undefined) retry.maxAttempts = data.RETRY_MAX_ATTEMPTS;
  if (data.RETRY_BASE_DELAY_MS !== undefined) retry.baseDelayMs = data.RETRY_BASE_DELAY_MS;
  if (data.RETRY_MAX_TOTAL_DELAY_MS !== undefined) retry.maxTotalDelayMs = data.RETRY_MAX_TOTAL_DELAY_MS;
  if (data.RETRY_MAX_DELAY_MS !== undefined) retry.maxDelayMs = data.RETRY_MAX_DELAY_MS;
  if (data.RETRY_HTTP_STATUS_CODES !== undefined) retry.httpStatusCodes = data.RETRY_HTTP_STATUS_CODES;
  if (Object.keys(retry).length > 0) options.retry = retry;
  if (data.MAX_BODY_BYTES !== undefined) options.maxBodyBytes = data.MAX_BODY_BYTES;
  if (data.CORS_ORIGINS !== undefined) options.cors = { origins: data.CORS_ORIGINS };
  if (data.FALLBACK_MODELS !== undefined) options.fallbackModels = data.FALLBACK_MODELS;
  if (data.ENABLE_CONTEXT_CACHE === true) {
    options.contextCache = { enabled: true };
    if (data.CONTEXT_CACHE_MIN_TOKENS !== undefined)
      options.contextCache.minTokens = data.CONTEXT_CACHE_MIN_TOKENS;
    if (data.CONTEXT_CACHE_TTL_SECONDS !== undefined)
      options.contextCache.ttlSeconds = data.CONTEXT_CACHE_TTL_SECONDS;
  }
  const requestLimits: RequestLimits = {};
  if (data.MAX_JSON_DEPTH !== undefined) requestLimits.maxNestingDepth = data.MAX_JSON_DEPTH;
  if (data.MAX_TOOLS !== undefined) requestLimits.maxTools = data.MAX_TOOLS;
  if (data.MAX_MEDIA_BYTES !== undefined) requestLimits.maxMediaBytes = data.MAX_MEDIA_BYTES;
  if (Object.keys(requestLimits).length > 0) options.requestLimits = requestLimits;
  const autoModeCheck: NonNullable<FetchHandlerOptions["autoModeCheck"]> = {};
  if (data.ENABLE_AUTO_MODE_CHECK !== undefined) autoModeCheck.enabled = data.ENABLE_AUTO_MODE_CHECK;
  if (data.AUTO_MODE_CHECK_MODEL !== undefined) autoModeCheck.model = data.AUTO_MODE_CHECK_MODEL;
  if (data.AUTO_MODE_CHECK_TIMEOUT_MS !== undefined)
    autoModeCheck.timeoutMs = data.AUTO_MODE_CHECK_TIMEOUT_MS;
  if (Object.keys(autoModeCheck).length > 0) options.autoModeCheck = autoModeCheck;
  return options;
}

/** `gemini-…` names, also written `models/gemini-…` or `google/gemini-…`, and the built-in defaults. */
function isGeminiModelName(name: string): boolean {
  const bare = name.replace(/^(models|google)\//i, "");
  return /^gemini-[A-Za-z0-9._-]+$/i.test(bare) || listConfiguredModels().includes(bare);
}

/**
 * A URL-ish text with what could be a credential replaced: the user information before `@`
 * and the values of query parameters. Works on text that does not parse as a URL too.
 */
function maskUrlCredentials(text: string): string {
  return text.replace(/^([^/?#]*\/\/)[^/?#@]*@/, "$1***@").replace(/([?&][^=&#]*=)[^&#]*/g, "$1***");
}
