import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { listConfiguredModels, type ModelMappingOptions, type RequestLimits } from "@claude-gemini/core";
import { z } from "zod";
import { parseEnvFile } from "./parse-env-file.js";

/** How much the proxy logs; `silent` logs nothing, not even request lines. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** The proxy's settings, validated. */
export interface ProxyConfig {
  host: string;
  port: number;
  apiKey?: string;
  vertexai?: { project: string; location: string };
  baseUrl?: string;
  proxyApiKey?: string;
  /**
   * `ALLOW_UNAUTHENTICATED_REMOTE`: serve without `PROXY_API_KEY` on an address other than
   * loopback, and answer requests addressed to any host name. Unset means false: `serve`
   * refuses to start off loopback without a key.
   */
  allowUnauthenticatedRemote?: boolean;
  models: Pick<ModelMappingOptions, "defaultModel" | "opusModel" | "sonnetModel" | "haikuModel">;
  enableStreaming: boolean;
  logLevel: LogLevel;
  requestTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Most bytes of request bodies held at once (`MAX_BODY_BYTES_IN_FLIGHT`); unset means 128 MiB. */
  maxBodyBytesInFlight?: number;
  /** Most connections open at once to Gemini (`UPSTREAM_MAX_SOCKETS`); unset means 256. */
  upstreamMaxSockets?: number;
  /** Idle time before memory a burst left behind is given back (`IDLE_MEMORY_RELEASE_MS`; 0 = never); unset means 10000. */
  idleMemoryReleaseMs?: number;
  /** Serve Prometheus metrics on `GET /metrics` (`ENABLE_METRICS`); unset means off. */
  enableMetrics?: boolean;
  /** Origins browsers may call from (`CORS_ORIGINS`); unset means CORS stays off. */
  corsOrigins?: string[] | "*";
  /** Every Gemini key of `GEMINI_API_KEYS` (comma-separated), used round-robin with `apiKey`. */
  apiKeys?: string[];
  /** `FALLBACK_MODELS`: a chain for every model (`"*"`) and chains per Gemini model. */
  fallbackModels?: Record<string, string[]>;
  /** `ENABLE_CONTEXT_CACHE`, `CONTEXT_CACHE_MIN_TOKENS`, `CONTEXT_CACHE_TTL_SECONDS`. */
  contextCache?: { enabled: boolean; minTokens?: number; ttlSeconds?: number };
  /** `MAX_JSON_DEPTH`, `MAX_TOOLS`, `MAX_MEDIA_BYTES`; unset ones keep core's defaults. */
  requestLimits?: RequestLimits;
  /** `ENABLE_AUTO_MODE_CHECK`, `AUTO_MODE_CHECK_MODEL`, `AUTO_MODE_CHECK_TIMEOUT_MS`; unset ones keep the defaults (on). */
  autoModeCheck?: { enabled?: boolean; model?: string; timeoutMs?: number };
}

/** What {@link loadConfig} found: settings and warnings, or every problem at once. */
export type LoadConfigResult =
  | { success: true; config: ProxyConfig; warnings: string[] }
  | { success: false; problems: string[]; warnings: string[] };

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment; wins over the config file and `.env`. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Where to look for `.env`, and what a relative `configFile` is resolved against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * A JSON file (`--config`) holding an object of the same variables, e.g.
   * `{ "GEMINI_API_KEY": "…", "PROXY_PORT": 9000 }`; it wins over `.env`, the environment wins over it.
   */
  configFile?: string;
  /** Values from command-line flags (`--port`, `--host`), by variable name; they win over everything. */
  overrides?: Record<string, string>;
}

/** The problem {@link loadConfig} reports when no Gemini credentials are set; tests and wrappers match on it. */
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
const MODEL_VARIABLES = {
  DEFAULT_MODEL: "defaultModel",
  OPUS_MODEL: "opusModel",
  SONNET_MODEL: "sonnetModel",
  HAIKU_MODEL: "haikuModel",
} as const satisfies Record<string, keyof ProxyConfig["models"]>;

/** Blank values count as unset: `.env` templates are full of `PROXY_API_KEY=`. */
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

/**
 * `FALLBACK_MODELS`: chains separated by `;`, each `primary:fallback,fallback` or, without a
 * primary, a chain for every model. `gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite`
 * sends overloaded or missing 3 Pro requests to 2.5 Pro, then 2.5 Flash.
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
  GEMINI_API_KEYS: optionalText.transform((value) =>
    value === undefined
      ? undefined
      : value
          .split(",")
          .map((key) => key.trim())
          .filter(Boolean),
  ),
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
  PROXY_HOST: optionalText.transform((value, context) => {
    if (value !== undefined && /[\s/]/.test(value)) {
      context.addIssue({
        code: "custom",
        message: `PROXY_HOST must be a host name or IP address, got "${value}".`,
      });
      return z.NEVER;
    }
    return value ?? "127.0.0.1";
  }),
  PROXY_PORT: integerVariable("PROXY_PORT", 0, 65_535, "a whole number from 0 to 65535").transform(
    (value) => value ?? 8080,
  ),
  PROXY_API_KEY: optionalText,
  ALLOW_UNAUTHENTICATED_REMOTE: booleanVariable("ALLOW_UNAUTHENTICATED_REMOTE"),
  DEFAULT_MODEL: modelVariable("DEFAULT_MODEL"),
  OPUS_MODEL: modelVariable("OPUS_MODEL"),
  SONNET_MODEL: modelVariable("SONNET_MODEL"),
  HAIKU_MODEL: modelVariable("HAIKU_MODEL"),
  ENABLE_STREAMING: booleanVariable("ENABLE_STREAMING").transform((value) => value ?? true),
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
  MAX_BODY_BYTES: integerVariable("MAX_BODY_BYTES", 1, 2 ** 40, "a number of bytes above 0"),
  MAX_BODY_BYTES_IN_FLIGHT: integerVariable(
    "MAX_BODY_BYTES_IN_FLIGHT",
    1,
    2 ** 40,
    "a number of bytes above 0",
  ),
  UPSTREAM_MAX_SOCKETS: integerVariable("UPSTREAM_MAX_SOCKETS", 1, 65_536, "a number of connections above 0"),
  IDLE_MEMORY_RELEASE_MS: integerVariable(
    "IDLE_MEMORY_RELEASE_MS",
    0,
    86_400_000,
    "a number of milliseconds",
  ),
  ENABLE_METRICS: booleanVariable("ENABLE_METRICS"),
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

/** Every environment variable {@link loadConfig} reads, in the order it declares them; the docs must list each one. */
export const CONFIG_VARIABLE_NAMES: readonly string[] = Object.keys(environmentSchema.shape);

/**
 * Reads the proxy's settings from command-line overrides, the environment, an optional JSON
 * config file and an optional `.env` file in the working directory, in that order of precedence.
 * A blank value counts as unset at every layer, so `PROXY_API_KEY=` in the environment leaves
 * the file's value in force. Every problem is reported, one clear sentence each, so a user
 * fixes them all in one go.
 *
 * Needs `GEMINI_API_KEY`, or `GOOGLE_GENAI_USE_VERTEXAI=true` with `GOOGLE_CLOUD_PROJECT` and
 * `GOOGLE_CLOUD_LOCATION`.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadConfigResult {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const envFilePath = join(cwd, ".env");
  const warnings: string[] = [];
  let fileValues: Record<string, string> = {};
  if (existsSync(envFilePath)) {
    try {
      const parsed = parseEnvFile(readFileSync(envFilePath, "utf8"));
      fileValues = parsed.value;
      warnings.push(...parsed.warnings);
    } catch (error) {
      warnings.push(
        `.env could not be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); it was ignored.`,
      );
    }
  }

  const configFile =
    options.configFile === undefined ? undefined : readConfigFile(resolve(cwd, options.configFile));
  // Later layers win; a blank value counts as unset, so it never hides a value set below it.
  const merged: Record<string, string | undefined> = {};
  for (const layer of [fileValues, configFile?.values ?? {}, env, options.overrides ?? {}]) {
    for (const [name, value] of Object.entries(layer)) {
      if (value !== undefined && value.trim() !== "") merged[name] = value;
    }
  }

  const parsed = environmentSchema.safeParse(merged);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  if (configFile) problems.unshift(...configFile.problems);

  const useVertex = parsed.success
    ? parsed.data.GOOGLE_GENAI_USE_VERTEXAI === true
    : isTrue(merged.GOOGLE_GENAI_USE_VERTEXAI);
  const present = (name: string) => (merged[name] ?? "").trim() !== "";
  if (useVertex) {
    for (const name of ["GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION"]) {
      if (!present(name))
        problems.push(`${name} is not set; Vertex AI (GOOGLE_GENAI_USE_VERTEXAI=true) needs it.`);
    }
  } else if (!present("GEMINI_API_KEY") && !/[^\s,]/.test(merged.GEMINI_API_KEYS ?? "")) {
    problems.push(MISSING_API_KEY_MESSAGE);
  }

  if (!parsed.success || problems.length > 0) return { success: false, problems, warnings };

  const data = parsed.data;
  const models: ProxyConfig["models"] = {};
  for (const [variable, key] of Object.entries(MODEL_VARIABLES)) {
    const value = data[variable as keyof typeof MODEL_VARIABLES];
    if (value !== undefined) models[key] = value;
  }
  const config: ProxyConfig = {
    host: data.PROXY_HOST,
    port: data.PROXY_PORT,
    models,
    enableStreaming: data.ENABLE_STREAMING,
    logLevel: data.LOG_LEVEL,
  };
  if (useVertex) {
    config.vertexai = { project: data.GOOGLE_CLOUD_PROJECT!, location: data.GOOGLE_CLOUD_LOCATION! };
  } else {
    config.apiKey = data.GEMINI_API_KEY;
  }
  if (data.GEMINI_BASE_URL !== undefined) config.baseUrl = data.GEMINI_BASE_URL;
  if (data.PROXY_API_KEY !== undefined) config.proxyApiKey = data.PROXY_API_KEY;
  if (data.ALLOW_UNAUTHENTICATED_REMOTE === true) config.allowUnauthenticatedRemote = true;
  if (data.REQUEST_TIMEOUT_MS !== undefined) config.requestTimeoutMs = data.REQUEST_TIMEOUT_MS;
  if (data.MAX_BODY_BYTES !== undefined) config.maxBodyBytes = data.MAX_BODY_BYTES;
  if (data.MAX_BODY_BYTES_IN_FLIGHT !== undefined)
    config.maxBodyBytesInFlight = data.MAX_BODY_BYTES_IN_FLIGHT;
  if (data.UPSTREAM_MAX_SOCKETS !== undefined) config.upstreamMaxSockets = data.UPSTREAM_MAX_SOCKETS;
  if (data.IDLE_MEMORY_RELEASE_MS !== undefined) config.idleMemoryReleaseMs = data.IDLE_MEMORY_RELEASE_MS;
  if (data.ENABLE_METRICS === true) config.enableMetrics = true;
  if (data.CORS_ORIGINS !== undefined) config.corsOrigins = data.CORS_ORIGINS;
  if (!useVertex && data.GEMINI_API_KEYS !== undefined && data.GEMINI_API_KEYS.length > 0)
    config.apiKeys = data.GEMINI_API_KEYS;
  if (data.FALLBACK_MODELS !== undefined) config.fallbackModels = data.FALLBACK_MODELS;
  if (data.ENABLE_CONTEXT_CACHE === true) {
    config.contextCache = { enabled: true };
    if (data.CONTEXT_CACHE_MIN_TOKENS !== undefined)
      config.contextCache.minTokens = data.CONTEXT_CACHE_MIN_TOKENS;
    if (data.CONTEXT_CACHE_TTL_SECONDS !== undefined)
      config.contextCache.ttlSeconds = data.CONTEXT_CACHE_TTL_SECONDS;
  }
  const requestLimits: RequestLimits = {};
  if (data.MAX_JSON_DEPTH !== undefined) requestLimits.maxNestingDepth = data.MAX_JSON_DEPTH;
  if (data.MAX_TOOLS !== undefined) requestLimits.maxTools = data.MAX_TOOLS;
  if (data.MAX_MEDIA_BYTES !== undefined) requestLimits.maxMediaBytes = data.MAX_MEDIA_BYTES;
  if (Object.keys(requestLimits).length > 0) config.requestLimits = requestLimits;
  const autoModeCheck: NonNullable<ProxyConfig["autoModeCheck"]> = {};
  if (data.ENABLE_AUTO_MODE_CHECK !== undefined) autoModeCheck.enabled = data.ENABLE_AUTO_MODE_CHECK;
  if (data.AUTO_MODE_CHECK_MODEL !== undefined) autoModeCheck.model = data.AUTO_MODE_CHECK_MODEL;
  if (data.AUTO_MODE_CHECK_TIMEOUT_MS !== undefined)
    autoModeCheck.timeoutMs = data.AUTO_MODE_CHECK_TIMEOUT_MS;
  if (Object.keys(autoModeCheck).length > 0) config.autoModeCheck = autoModeCheck;
  return { success: true, config, warnings };
}

/** `gemini-…` names, also written `models/gemini-…` or `google/gemini-…`, and the built-in defaults. */
function isGeminiModelName(name: string): boolean {
  const bare = name.replace(/^(models|google)\//i, "");
  return /^gemini-[A-Za-z0-9._-]+$/i.test(bare) || listConfiguredModels().includes(bare);
}

/** The variables of a `--config` JSON file as strings, and a sentence for each problem. */
function readConfigFile(path: string): { values: Record<string, string>; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "there is no such file" : `it cannot be read (${code ?? "unknown error"})`;
    return { values: {}, problems: [`The config file ${path} was not used: ${reason}.`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      values: {},
      problems: [`The config file ${path} is not valid JSON (${(error as Error).message}).`],
    };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return {
      values: {},
      problems: [
        `The config file ${path} must hold a JSON object of settings, e.g. {"GEMINI_API_KEY": "…", "PROXY_PORT": 9000}.`,
      ],
    };
  }
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (!CONFIG_VARIABLE_NAMES.includes(name)) {
      problems.push(
        `The config file ${path} has an unknown setting "${name}"; settings are the variables of docs/configuration.md, e.g. GEMINI_API_KEY or PROXY_PORT.`,
      );
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      values[name] = String(value);
    } else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      // Lists such as GEMINI_API_KEYS or CORS_ORIGINS read as their comma-separated form.
      values[name] = value.join(",");
    } else {
      problems.push(
        `The config file ${path} sets ${name} to ${JSON.stringify(value)}; use a string, number or boolean.`,
      );
    }
  }
  return { values, problems };
}

/**
 * A URL-ish text with what could be a credential replaced: the user information before `@`
 * and the values of query parameters. Works on text that does not parse as a URL too.
 */
function maskUrlCredentials(text: string): string {
  return text.replace(/^([^/?#]*\/\/)[^/?#@]*@/, "$1***@").replace(/([?&][^=&#]*=)[^&#]*/g, "$1***");
}

function isTrue(value: string | undefined): boolean {
  return BOOLEAN_WORDS[(value ?? "").trim().toLowerCase()] === true;
}
