/**
 * Part 1 of the benchmark: the cost of core's conversions in this process, each next to one
 * `JSON.stringify` of the same object timed in the same run, so the ratio means the same on
 * a fast and a slow machine.
 */
import {
  convertToAnthropicMessage,
  convertToGeminiRequest,
  createIdGenerator,
  createSchemaCompiler,
  createStreamTranslator,
  encodeSseEvent,
  validateMessagesRequest,
} from "@claude-gemini/core";

/** The beta flags Claude Code sends; validation reads them. */
export const CLAUDE_CODE_BETAS = [
  "claude-code-20250219",
  "interleaved-thinking-2025-05-14",
  "context-management-2025-06-27",
  "advanced-tool-use-2025-11-20",
  "effort-2025-11-24",
];

const generateId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

/**
 * What the proxy does with a request body before it calls Gemini: validate, then convert.
 *
 * @param {unknown} body
 * @param {ReturnType<typeof createSchemaCompiler> | undefined} schemaCompiler
 */
export function convertRequestBody(body, schemaCompiler) {
  const request = validateMessagesRequest(body, { betas: CLAUDE_CODE_BETAS });
  return convertToGeminiRequest(request, schemaCompiler ? { schemaCompiler } : {});
}

/**
 * A long non-streaming answer: thoughts, a few KB of prose with code, and parallel tool calls
 * to tools the request declared, with usage and a signature the way Gemini 2.5 sends them.
 */
export function buildLongResponse() {
  const paragraph =
    "The stream translator keeps one open block at a time and closes it before the next one starts, so indexes stay in order. ";
  const code =
    "```ts\nexport function add(left: number, right: number): number {\n  return left + right;\n}\n```\n";
  const text = Array.from({ length: 40 }, (_, index) => (index % 8 === 7 ? code : paragraph)).join("");
  return {
    candidates: [
      {
        content: {
          role: "model",
          parts: [
            { text: paragraph.repeat(6), thought: true },
            { text },
            { functionCall: { name: "Bash", args: { command: "pnpm test", description: "Run the tests" } } },
            { functionCall: { name: "Read", args: { file_path: "packages/core/src/convert-usage.ts" } } },
            {
              functionCall: {
                name: "Edit",
                args: {
                  file_path: "src/sum.ts",
                  old_string: "a - b",
                  new_string: "a + b",
                  replace_all: false,
                },
              },
            },
          ],
        },
        finishReason: "STOP",
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: 14210,
      candidatesTokenCount: 1630,
      thoughtsTokenCount: 420,
      cachedContentTokenCount: 12288,
      totalTokenCount: 16260,
    },
    modelVersion: "gemini-3.8-flash",
    responseId: "bench-long-response",
  };
}

/**
 * `count` stream chunks of a text answer as Gemini sends them: a few words each, the running
 * usage on every chunk, the finish reason on the last.
 *
 * @param {number} count
 */
export function buildStreamChunks(count) {
  const words = ["the ", "proxy ", "converts ", "each ", "chunk ", "into ", "Anthropic ", "events. "];
  return Array.from({ length: count }, (_, index) => {
    const last = index === count - 1;
    return {
      candidates: [
        {
          content: {
            role: "model",
            parts: [{ text: `${words[index % words.length]}${words[(index + 3) % words.length]}` }],
          },
          index: 0,
          ...(last ? { finishReason: "STOP" } : {}),
        },
      ],
      usageMetadata: {
        promptTokenCount: 120,
        candidatesTokenCount: (index + 1) * 2,
        totalTokenCount: 120 + (index + 1) * 2,
      },
      modelVersion: "gemini-3.5-flash-lite",
      responseId: "bench-stream",
    };
  });
}

/**
 * Translates `chunks` as the fetch handler does: push each chunk, encode every event as SSE.
 *
 * @param {unknown[]} chunks
 * @param {import("@claude-gemini/core").ConversionContext} context
 * @returns {number} the number of SSE bytes (as string length) produced, so the work is used
 */
export function translateStream(chunks, context) {
  const translator = createStreamTranslator({ context, generateId });
  let length = 0;
  for (const chunk of chunks) {
    for (const event of translator.push(chunk)) length += encodeSseEvent(event).length;
  }
  for (const event of translator.finish()) length += encodeSseEvent(event).length;
  return length;
}

/**
 * Microseconds per call of `work`: batches of `iterations` calls, repeated until `budgetMs`
 * is spent (at least 5 batches); the median batch, so a GC pause in one batch does not count.
 *
 * @param {() => unknown} work
 * @param {{ budgetMs: number, iterations: number }} options
 */
export function timeMicroseconds(work, options) {
  const batches = [];
  const started = performance.now();
  let sink = 0;
  while (batches.length < 5 || performance.now() - started < options.budgetMs) {
    const batchStart = performance.now();
    for (let index = 0; index < options.iterations; index++) {
      const result = work();
      sink += result === undefined ? 0 : 1;
    }
    batches.push(((performance.now() - batchStart) * 1000) / options.iterations);
  }
  if (sink < 0) throw new Error("unreachable: keeps the results alive");
  batches.sort((left, right) => left - right);
  return batches[Math.floor(batches.length / 2)];
}

/**
 * Runs part 1 and returns one row per measurement: µs per conversion, µs per `JSON.stringify`
 * of the same object, and the ratio.
 *
 * @param {{ requestBody: unknown, budgetMs: number }} options
 */
export function measureCore(options) {
  const { requestBody, budgetMs } = options;
  const rows = [];

  // The very first conversion of the process: nothing compiled by V8, no schema cached.
  const firstStart = performance.now();
  const first = convertRequestBody(requestBody, createSchemaCompiler());
  const firstMicroseconds = (performance.now() - firstStart) * 1000;
  const stringifyRequest = timeMicroseconds(() => JSON.stringify(requestBody), { budgetMs, iterations: 20 });
  rows.push({
    name: "Claude-Code-size request, first call in the process",
    conversion: firstMicroseconds,
    stringify: stringifyRequest,
  });

  const uncached = timeMicroseconds(() => convertRequestBody(requestBody, createSchemaCompiler()), {
    budgetMs,
    iterations: 20,
  });
  rows.push({
    name: "Claude-Code-size request, new schema cache each time",
    conversion: uncached,
    stringify: stringifyRequest,
  });

  const sharedCompiler = createSchemaCompiler();
  const warm = timeMicroseconds(() => convertRequestBody(requestBody, sharedCompiler), {
    budgetMs,
    iterations: 20,
  });
  rows.push({
    name: "Claude-Code-size request, warm (shared schema cache)",
    conversion: warm,
    stringify: timeMicroseconds(() => JSON.stringify(requestBody), { budgetMs, iterations: 20 }),
    budget: "request",
  });

  const response = buildLongResponse();
  rows.push({
    name: `long response (${JSON.stringify(response).length} B) → message`,
    conversion: timeMicroseconds(
      () => convertToAnthropicMessage(response, { context: first.context, generateId }),
      {
        budgetMs,
        iterations: 200,
      },
    ),
    stringify: timeMicroseconds(() => JSON.stringify(response), { budgetMs, iterations: 200 }),
  });

  const chunks = buildStreamChunks(1000);
  const streamContext = convertRequestBody(
    {
      model: "claude-haiku-4-5",
      max_tokens: 1024,
      stream: true,
      messages: [{ role: "user", content: "Hello" }],
    },
    undefined,
  ).context;
  rows.push({
    name: "1,000-chunk stream → SSE (translator + encodeSseEvent)",
    conversion: timeMicroseconds(() => translateStream(chunks, streamContext), { budgetMs, iterations: 2 }),
    stringify: timeMicroseconds(() => JSON.stringify(chunks), { budgetMs, iterations: 2 }),
  });

  return rows.map((row) => ({ ...row, ratio: row.conversion / row.stringify }));
}
