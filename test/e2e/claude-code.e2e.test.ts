import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, type RecordedRequest, startGeminiFake } from "../gemini-fake/index.js";
import {
  createClaudeCodeScript,
  readLastUserParts,
  readToolOutputs,
  type ScriptedSession,
  selectSessionRequests,
} from "./create-claude-code-script.js";
import { createPng } from "./create-png.js";
import { readTranscriptTexts } from "./read-transcript-texts.js";
import { replayRecordedRequests } from "./replay-recorded-requests.js";
import { type ClaudeRun, runClaudeCli } from "./run-claude-cli.js";
import { sanitizeRecordedBody } from "./sanitize-recorded-body.js";
import { type RecordingProxy, startRecordingProxy } from "./start-recording-proxy.js";

const GEMINI_KEY = "e2e-gemini-key";
const FIXTURE = new URL("./__fixtures__/claude-code-2.1.332-request.json", import.meta.url);

/**
 * The models sessions run on. Every session runs on a Claude alias with no model settings (the
 * path a new user takes: Sonnet → Gemini 3.8 Flash), on Gemini 4 by its own name, and on the
 * budget model that remains (2.5 Flash-Lite). Every other model of today's line-up — a retired
 * name served by its successor, and `gemini-4-xenon`, which no table knows — runs the thinking
 * session: a streamed tool round trip with thoughts and signatures. `learns` marks models whose
 * first refusal of a setting the proxy must correct (the fake's 3.6 Flash refuses MINIMAL, xenon
 * LOW): those refusals, and only those, are expected.
 */
interface Variant {
  label: string;
  cliModel: string;
  geminiModel: string;
  generation3: boolean;
  sessions: "all" | "thinking";
  learns?: boolean;
}

const VARIANTS: Variant[] = [
  {
    label: "claude-default",
    cliModel: "sonnet",
    geminiModel: "gemini-3.8-flash",
    generation3: true,
    sessions: "all",
  },
  {
    label: "gemini-4",
    cliModel: "gemini-4-hydrogen",
    geminiModel: "gemini-4-hydrogen",
    generation3: true,
    sessions: "all",
  },
  {
    label: "gemini-2.5",
    cliModel: "gemini-2.5-flash-lite",
    geminiModel: "gemini-2.5-flash-lite",
    generation3: false,
    sessions: "all",
  },
  ...[
    "gemini-3-flash-preview",
    "gemini-3.1-pro-preview",
    "gemini-3.1-flash-lite",
    "gemini-3.5-flash-lite",
    "gemini-3.6-flash",
    "gemini-3.7-flash",
    "gemini-4-argon",
    "gemini-4-carbon",
    "gemini-4-neon",
    "gemini-4-xenon",
  ].map(
    (model): Variant => ({
      label: model,
      cliModel: model,
      geminiModel: model,
      generation3: true,
      sessions: "thinking",
      learns: model === "gemini-3.6-flash" || model === "gemini-4-xenon",
    }),
  ),
  {
    label: "retired-2.5-pro",
    cliModel: "gemini-2.5-pro",
    geminiModel: "gemini-3.8-flash",
    generation3: true,
    sessions: "thinking",
  },
];

/** A refusal the proxy is expected to correct once: a thinking level the model lacks. */
const CORRECTED_REFUSAL = /^'[a-z]+' is not a supported thinking level for this model\./;

/** What a session test checks once the CLI has exited. */
interface SessionCheck {
  run: ClaudeRun;
  /** Every text block the CLI received, from its transcript. */
  answer: string;
  requests: RecordedRequest[];
  directory: string;
}

interface SessionDefinition {
  name: string;
  prompt: string;
  args?: string[];
  setup?: (directory: string) => void;
  steps: (directory: string) => ScriptedSession["steps"];
  failFirst?: ScriptedSession["failFirst"];
  check: (result: SessionCheck, variant: Variant) => void;
}

const LONG_ANSWER = Array.from(
  { length: 60 },
  (_, index) => `Sentence ${index + 1} of the long streamed answer, with some words to make it longer.`,
).join(" ");

const PNG_BASE64_PREFIX = "iVBORw0KGgo";

const SESSIONS: SessionDefinition[] = [
  {
    name: "answer",
    prompt: "What is the answer to everything?",
    steps: () => [{ kind: "text", text: "The fake says the answer is 42." }],
    check: ({ answer, requests }, variant) => {
      expect(answer).toContain("The fake says the answer is 42.");
      expect(requests[0]?.model).toBe(variant.geminiModel);
    },
  },
  {
    name: "write-file",
    prompt: "Create hello.txt saying hello.",
    steps: (directory) => [
      {
        kind: "tool_calls",
        calls: [
          {
            name: "Write",
            args: { file_path: join(directory, "hello.txt"), content: "Hello from Gemini\n" },
          },
        ],
      },
      { kind: "text", text: "I wrote hello.txt." },
    ],
    check: ({ answer, requests, directory }) => {
      expect(readFileSync(join(directory, "hello.txt"), "utf8")).toBe("Hello from Gemini\n");
      expect(answer).toContain("I wrote hello.txt.");
      expect(
        readLastUserParts(requests.at(-1)!).some((part) => part.functionResponse?.name === "Write"),
      ).toBe(true);
    },
  },
  {
    name: "bash",
    prompt: "Run a command and tell me what it printed.",
    steps: () => [
      {
        kind: "tool_calls",
        calls: [{ name: "Bash", args: { command: "echo e2e-$((6*7))", description: "Print a number" } }],
      },
      (request) => ({
        kind: "text",
        text: `The command printed ${/e2e-\d+/.exec(readToolOutputs(request).join(" "))?.[0] ?? "nothing"}.`,
      }),
    ],
    check: ({ answer, requests }) => {
      // Only a real shell turns $((6*7)) into 42: the tool result is the command's real output.
      expect(readToolOutputs(requests.at(-1)!).join(" ")).toContain("e2e-42");
      expect(answer).toContain("The command printed e2e-42.");
    },
  },
  {
    name: "parallel-tools",
    prompt: "Write alpha.txt and run a command at the same time.",
    steps: (directory) => [
      {
        kind: "tool_calls",
        calls: [
          { name: "Write", args: { file_path: join(directory, "alpha.txt"), content: "alpha\n" } },
          { name: "Bash", args: { command: "echo beta-$((1+1))", description: "Print beta" } },
        ],
      },
      { kind: "text", text: "Both tools ran." },
    ],
    check: ({ answer, requests, directory }) => {
      expect(readFileSync(join(directory, "alpha.txt"), "utf8")).toBe("alpha\n");
      const responses = readLastUserParts(requests.at(-1)!).filter((part) => part.functionResponse);
      expect(responses.map((part) => part.functionResponse.name)).toEqual(["Write", "Bash"]);
      expect(readToolOutputs(requests.at(-1)!).join(" ")).toContain("beta-2");
      expect(answer).toContain("Both tools ran.");
    },
  },
  {
    name: "read-png",
    prompt: "Look at pixel.png and tell me its colour.",
    setup: (directory) => writeFileSync(join(directory, "pixel.png"), createPng(8, 8, [220, 20, 20])),
    steps: (directory) => [
      { kind: "tool_calls", calls: [{ name: "Read", args: { file_path: join(directory, "pixel.png") } }] },
      { kind: "text", text: "It is a red square." },
    ],
    check: ({ answer, requests }, variant) => {
      const parts = readLastUserParts(requests.at(-1)!);
      const response = parts.find((part) => part.functionResponse)?.functionResponse;
      expect(response?.name).toBe("Read");
      const images = variant.generation3
        ? (response?.parts ?? []).filter((part: { inlineData?: unknown }) => part.inlineData)
        : parts.filter((part) => part.inlineData);
      expect(images.length).toBeGreaterThan(0);
      expect(images[0].inlineData.mimeType).toMatch(/^image\//);
      expect(images[0].inlineData.data.length).toBeGreaterThan(0);
      // The image travels as an image, never as base64 spelled out in text.
      expect(JSON.stringify(requests.at(-1)!.body.contents).match(/"text":"[^"]*iVBORw0KGgo/)).toBeNull();
      expect(JSON.stringify(response?.response ?? {})).not.toContain(PNG_BASE64_PREFIX);
      expect(answer).toContain("It is a red square.");
    },
  },
  {
    name: "three-steps",
    prompt: "Write notes.txt, show it with cat, then read it back.",
    steps: (directory) => [
      {
        kind: "tool_calls",
        calls: [{ name: "Write", args: { file_path: join(directory, "notes.txt"), content: "step one\n" } }],
      },
      {
        kind: "tool_calls",
        calls: [
          {
            name: "Bash",
            args: { command: "cat notes.txt && echo step-$((1+1))", description: "Show notes" },
          },
        ],
      },
      { kind: "tool_calls", calls: [{ name: "Read", args: { file_path: join(directory, "notes.txt") } }] },
      { kind: "text", text: "All three steps are done." },
    ],
    check: ({ answer, requests, directory }) => {
      expect(readFileSync(join(directory, "notes.txt"), "utf8")).toBe("step one\n");
      expect(requests.length).toBeGreaterThanOrEqual(4);
      const outputs = requests.map((request) => readToolOutputs(request).join(" "));
      expect(outputs.some((output) => output.includes("step one") && output.includes("step-2"))).toBe(true);
      expect(readLastUserParts(requests.at(-1)!).some((part) => part.functionResponse?.name === "Read")).toBe(
        true,
      );
      expect(readToolOutputs(requests.at(-1)!).join(" ")).toContain("step one");
      expect(answer).toContain("All three steps are done.");
    },
  },
  {
    name: "long-stream",
    prompt: "Tell me a long story.",
    steps: () => [{ kind: "text", text: LONG_ANSWER, chunks: 60 }],
    check: ({ answer }) => {
      expect(answer.trim()).toBe(LONG_ANSWER);
    },
  },
  {
    name: "recover-429",
    prompt: "Say something after a rate limit.",
    failFirst: [
      {
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Quota exceeded.",
        retryDelay: "1s",
      },
    ],
    steps: () => [{ kind: "text", text: "Recovered after a 429." }],
    check: ({ answer, requests }) => {
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(answer).toContain("Recovered after a 429.");
    },
  },
  {
    name: "recover-503",
    prompt: "Say something after an overload.",
    failFirst: [
      { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." },
    ],
    steps: () => [{ kind: "text", text: "Recovered after a 503." }],
    check: ({ answer, requests }) => {
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(answer).toContain("Recovered after a 503.");
    },
  },
  {
    name: "thinking",
    prompt: "Think hard, then run a command.",
    args: ["--settings", JSON.stringify({ alwaysThinkingEnabled: true })],
    steps: () => [
      {
        kind: "tool_calls",
        thoughts: "I should check the shell first.",
        calls: [{ name: "Bash", args: { command: "echo thought-$((2+3))", description: "Print" } }],
      },
      { kind: "text", thoughts: "The shell said thought-5.", text: "After thinking: done." },
    ],
    check: ({ answer, requests }) => {
      for (const request of requests) {
        expect(request.body.generationConfig?.thinkingConfig).toMatchObject({ includeThoughts: true });
      }
      expect(readToolOutputs(requests.at(-1)!).join(" ")).toContain("thought-5");
      expect(answer).toContain("After thinking: done.");
      expect(answer).not.toContain("The shell said");
    },
  },
];

const root = mkdtempSync(join(tmpdir(), "claude-gemini-e2e-"));
const plans = VARIANTS.flatMap((variant) =>
  SESSIONS.filter((definition) => variant.sessions === "all" || definition.name === "thinking").map(
    (definition) => {
      const marker = `[e2e:${definition.name}:${variant.label}]`;
      const directory = join(root, `${definition.name}-${variant.label}`);
      const home = join(directory, ".home");
      mkdirSync(home, { recursive: true });
      definition.setup?.(directory);
      const session: ScriptedSession = { marker, steps: definition.steps(directory) };
      if (definition.failFirst) session.failFirst = definition.failFirst;
      return { variant, definition, marker, directory, home, session };
    },
  ),
);

let fake: GeminiFake;
let proxy: RecordingProxy;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
  fake.setDefault({ kind: "script", ...createClaudeCodeScript(plans.map((plan) => plan.session)) });
  proxy = await startRecordingProxy({
    apiKey: GEMINI_KEY,
    baseUrl: fake.url,
    retry: { baseDelayMs: 100, maxTotalDelayMs: 5000 },
  });
});

afterAll(async () => {
  await proxy?.close();
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

describe.concurrent("Claude Code on Gemini", () => {
  for (const plan of plans) {
    it(`${plan.definition.name} on ${plan.variant.label}`, async () => {
      const run = await runClaudeCli({
        prompt: `${plan.marker} ${plan.definition.prompt}`,
        model: plan.variant.cliModel,
        baseUrl: proxy.url,
        home: plan.home,
        cwd: plan.directory,
        args: ["--allowedTools", "Bash,Read,Write", ...(plan.definition.args ?? [])],
      });
      const requests = selectSessionRequests(fake.requests, plan.marker);
      const context = `exit ${run.exitCode}\nstdout: ${run.stdout.slice(0, 1500)}\nstderr: ${run.stderr.slice(0, 1500)}`;
      expect(run.exitCode, context).toBe(0);
      expect(run.result?.is_error, context).toBe(false);
      expect(requests.length, context).toBeGreaterThan(0);
      for (const request of requests) {
        const message = request.rejection?.message;
        if (message !== undefined && !(plan.variant.learns && CORRECTED_REFUSAL.test(message))) {
          expect.fail(`the fake rejected a request: ${message}`);
        }
        expect(request.model).toBe(plan.variant.geminiModel);
      }
      const texts = readTranscriptTexts(plan.home, run.result.session_id);
      expect(texts.length, context).toBeGreaterThan(0);
      // Claude Code's `result` is the last block of the last answer: on Gemini 3 too, where the
      // answer's trailing text signature must not become an empty last block.
      expect(run.result.result.trim(), context).not.toBe("");
      expect(run.result.result.trim(), context).toBe(texts.at(-1)?.trim());
      plan.definition.check(
        { run, answer: texts.join("\n"), requests, directory: plan.directory },
        plan.variant,
      );
    });
  }
});

describe("what the CLI sent", () => {
  it("converts every recorded request without rejections or dropped blocks", () => {
    const report = replayRecordedRequests(proxy.requests);
    expect(report.messagesRequests).toBeGreaterThanOrEqual(plans.length);
    expect(report.problems).toEqual([]);
  });

  it("keeps a sanitized recorded body as a fixture that still converts", () => {
    // A request from the Read-a-PNG session: tools, tool_use, and a tool_result with an image.
    const plan = plans.find(
      (candidate) => !candidate.variant.generation3 && candidate.definition.name === "read-png",
    )!;
    const recorded = proxy.requests.filter(
      (request) => request.path.startsWith("/v1/messages?") && request.bodyText.includes(plan.marker),
    );
    const latest = recorded.at(-1);
    expect(latest).toBeDefined();
    if (process.env.UPDATE_E2E_FIXTURES === "1" || !existsSync(FIXTURE)) {
      const body = sanitizeRecordedBody(latest!.bodyText, { root, project: plan.directory });
      writeFileSync(FIXTURE, `${JSON.stringify(body, null, 2)}\n`);
    }
    const fixture = readFileSync(FIXTURE, "utf8");
    expect(fixture).not.toContain(root);
    const report = replayRecordedRequests([{ ...latest!, bodyText: fixture }]);
    expect(report).toEqual({ messagesRequests: 1, countTokensRequests: 0, problems: [] });
  });

  it("reached the fake without a rejection, but for the one correction of each model that teaches one", () => {
    const rejected = fake.requests.filter((request) => request.rejection);
    const unexpected = rejected.filter(
      (request) =>
        !(
          VARIANTS.some((variant) => variant.learns && variant.geminiModel === request.model) &&
          CORRECTED_REFUSAL.test(request.rejection!.message)
        ),
    );
    expect(unexpected.map((request) => request.rejection?.message)).toEqual([]);
    // One process, one lesson per model: later requests are sent corrected.
    for (const model of ["gemini-3.6-flash", "gemini-4-xenon"]) {
      expect(rejected.filter((request) => request.model === model).length, model).toBeLessThanOrEqual(2);
    }
  });
});
