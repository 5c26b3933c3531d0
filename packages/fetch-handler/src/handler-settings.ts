import type { ModelMappingOptions, RequestLimits } from "@claude-gemini/core";
import { createIdGenerator, createSchemaCompiler, type SchemaCompiler } from "@claude-gemini/core";
import { GoogleGenAI } from "@google/genai";
import type { FetchHandlerLogger, FetchHandlerOptions, RetryOptions } from "./fetch-handler-options.js";

/** {@link FetchHandlerOptions} with every default filled in and the Gemini client built. */
export interface HandlerSettings {
  client: GoogleGenAI;
  /** One per handler: Claude Code resends the same tool schemas on every request, compiled once here. */
  schemaCompiler: SchemaCompiler;
  models: ModelMappingOptions | undefined;
  proxyApiKey: string | undefined;
  enableStreaming: boolean;
  retry: Required<RetryOptions>;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  pingIntervalMs: number;
  maxBodyBytes: number;
  requestLimits: RequestLimits | undefined;
  logger: FetchHandlerLogger;
  onRequestComplete: FetchHandlerOptions["onRequestComplete"];
  onUpstreamAttempt: FetchHandlerOptions["onUpstreamAttempt"];
  generateId: () => string;
}

const silentLogger: FetchHandlerLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * Fills in the defaults of {@link FetchHandlerOptions} and builds the one Gemini client a
 * handler uses, so connections are reused across requests.
 */
export function resolveHandlerSettings(options: FetchHandlerOptions): HandlerSettings {
  return {
    client: options.client ?? createGeminiClient(options),
    schemaCompiler: createSchemaCompiler(),
    models: options.models,
    proxyApiKey: options.proxyApiKey === "" ? undefined : options.proxyApiKey,
    enableStreaming: options.enableStreaming ?? true,
    retry: {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 3),
      maxTotalDelayMs: Math.max(0, options.retry?.maxTotalDelayMs ?? 20_000),
      baseDelayMs: Math.max(0, options.retry?.baseDelayMs ?? 500),
    },
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 600_000,
    pingIntervalMs: options.pingIntervalMs ?? 15_000,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    requestLimits: options.requestLimits,
    logger: options.logger ?? silentLogger,
    onRequestComplete: options.onRequestComplete,
    onUpstreamAttempt: options.onUpstreamAttempt,
    generateId: options.generateId ?? createIdGenerator(fillRandom),
  };
}

function fillRandom(bytes: Uint8Array): Uint8Array {
  // The generator always hands over a fresh, unshared buffer.
  crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>);
  return bytes;
}

function createGeminiClient(options: FetchHandlerOptions): GoogleGenAI {
  const httpOptions = options.baseUrl === undefined ? undefined : { baseUrl: options.baseUrl };
  if (options.vertexai) {
    return new GoogleGenAI({
      vertexai: true,
      project: options.vertexai.project,
      location: options.vertexai.location,
      // Vertex AI names its preview surface v1beta1; v1beta does not exist there.
      apiVersion: options.apiVersion ?? "v1beta1",
      httpOptions,
    });
  }
  return new GoogleGenAI({ apiKey: options.apiKey, apiVersion: options.apiVersion ?? "v1beta", httpOptions });
}
