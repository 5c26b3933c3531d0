import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GeminiFake,
  type RecordedRequest,
  readReviewedActions,
  type Scenario,
  startGeminiFake,
} from "../gemini-fake/index.js";
import { CLAUDE_BINARY } from "./run-claude-cli.js";
import { findTmux, startTmuxSession, type TmuxSession } from "./start-tmux-session.js";

/**
 * Claude Code the way people run it: interactive, in a real terminal (tmux), started from an
 * empty home directory with `claude-gemini-code` against the proxy it starts and the Gemini
 * fake. The test types with `send-keys` and reads the screen with `capture-pane`; it answers
 * the folder-trust question as a person would, and nothing else is set up by hand.
 *
 * Both models run at once, one terminal each; every step below acts on both.
 */
const VARIANTS = [
  { label: "Gemini 3", model: "gemini-3.8-flash" },
  { label: "Gemini 4", model: "gemini-4-hydrogen" },
] as const;

const GEMINI_KEY = "e2e-interactive-gemini-key";
const CLI_PACKAGE = fileURLToPath(new URL("../../packages/cli/", import.meta.url));

/**
 * Auto mode, Claude Code's default permission mode, asks the API to check actions such as a web
 * search or a subagent (`safeguards` in, `safeguard_results` out); the proxy's classifier call is
 * answered here by the fake's scripted verdicts.
 */
const TMUX = findTmux();
if (!TMUX) {
  console.warn(
    "\n*** SKIPPED: the interactive Claude Code test needs tmux, which is not installed. ***\n" +
      "*** Install it (apt-get install tmux); .ci/run does this on CI.                 ***\n",
  );
}

const STORY = Array.from({ length: 40 }, (_, index) => `Slow sentence ${index + 1} of the story.`).join(" ");
const SLOW_PROMPT = "[tmux:slow]";

/** What the scripted model answers; the step is the number of tool turns since the prompt. */
const STEPS: Record<string, (request: RecordedRequest, directory: string) => Scenario[]> = {
  "[tmux:answer]": () => [{ kind: "text", text: "The fake says the answer is 42." }],
  "[tmux:edit]": (_request, directory) => [
    { kind: "tool_calls", calls: [{ name: "Read", args: { file_path: join(directory, "greeting.txt") } }] },
    {
      kind: "tool_calls",
      calls: [
        {
          name: "Edit",
          args: { file_path: join(directory, "greeting.txt"), old_string: "hello", new_string: "goodbye" },
        },
      ],
    },
    { kind: "text", text: "I changed greeting.txt to say goodbye." },
  ],
  // WebSearch is one of Claude Code's deferred tools: a model loads it with ToolSearch first.
  "[tmux:search]": () => [
    {
      kind: "tool_calls",
      calls: [{ name: "ToolSearch", args: { query: "select:WebSearch", max_results: 1 } }],
    },
    { kind: "tool_calls", calls: [{ name: "WebSearch", args: { query: "claude gemini fake news" } }] },
    { kind: "text", text: "The web search found good news." },
  ],
  "[tmux:agent]": () => [
    {
      kind: "tool_calls",
      calls: [
        {
          name: "Agent",
          args: {
            description: "Check the project",
            prompt: "[tmux:subagent] Check the project and report.",
            subagent_type: "general-purpose",
          },
        },
      ],
    },
    { kind: "text", text: "The subagent reported back." },
  ],
  "[tmux:subagent]": () => [{ kind: "text", text: "Subagent report: all checked." }],
  [SLOW_PROMPT]: () => [
    { kind: "slow", delayMs: 100, between: 250, inner: { kind: "text", text: STORY, chunks: 40 } },
  ],
  "[tmux:after-escape]": () => [{ kind: "text", text: "Still here after the Escape." }],
  "[tmux:resumed]": (request) => [
    {
      kind: "text",
      text: readUserTexts(request).some((text) => text.includes("[tmux:answer]"))
        ? "You first asked what six times seven is."
        : "I do not remember the first question.",
    },
  ],
};

interface Session {
  variant: (typeof VARIANTS)[number];
  home: string;
  project: string;
  terminal: TmuxSession;
}

const root = mkdtempSync(join(tmpdir(), "claude-gemini-tmux-"));
let fake: GeminiFake;
const sessions: Session[] = [];

/** Set once a step failed: the later steps of a session cannot run on a broken one. */
let earlierFailure: string | undefined;

/** Every step acts on both terminals at once; a failure names the model. */
async function onEach(step: (session: Session) => Promise<void>): Promise<void> {
  if (earlierFailure) throw new Error(`not run: an earlier step failed (${earlierFailure})`);
  const results = await Promise.allSettled(sessions.map(step));
  const failures = results.flatMap((result, index) =>
    result.status === "rejected"
      ? [`${sessions[index]!.variant.label}: ${(result.reason as Error).message}`]
      : [],
  );
  if (failures.length > 0) {
    earlierFailure = expect.getState().currentTestName ?? "a step";
    throw new Error(failures.join("\n\n"));
  }
}

/** What a person sees on a screen that went wrong; a step fails at once when one shows. */
const BROKEN = [
  "Unable to connect to Anthropic services",
  "Detected a custom API key",
  "Not logged in",
  "isn't recognized",
  "API Error",
];

/** The prompt is ready when the input box and the mode line show. */
const READY = /shift\+tab to cycle/;

/**
 * Moves the trust question's selection to "Yes". Claude Code draws the question a moment before
 * it reads keys, so a key pressed too early is lost: press Down again while "No" is still
 * selected, and never once "Yes" is (a second Down would wrap back to "No").
 */
async function chooseTrust(terminal: TmuxSession): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const screen = await terminal.screen();
    if (/❯ Yes, I trust this folder/.test(screen)) return;
    if (/❯ No, exit/.test(screen)) await terminal.press("Down");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `the trust question never selected "Yes, I trust this folder":\n${await terminal.screen()}`,
  );
}

/** Types a prompt and sends it, as a person would. */
async function ask(session: Session, prompt: string): Promise<void> {
  await session.terminal.type(prompt);
  await session.terminal.press("Enter");
}

describe.skipIf(!TMUX)("Claude Code in a terminal, from an empty home, on Gemini", () => {
  beforeAll(async () => {
    if (!existsSync(join(CLI_PACKAGE, "dist", "cli.js"))) {
      throw new Error("packages/cli is not built: run `pnpm build` first (pnpm test does).");
    }
    fake = await startGeminiFake({ apiKey: GEMINI_KEY });
    fake.setDefault({ kind: "script", handler: answer });
    // The commands a person gets from `npm install -g` / `pnpm cli:install`, and nothing else of this machine.
    const bin = join(root, "bin");
    mkdirSync(bin);
    for (const name of ["claude-gemini-proxy", "claude-gemini-code"]) {
      symlinkSync(join(CLI_PACKAGE, "bin", `${name}.mjs`), join(bin, name));
    }
    const port = await closedPort();
    for (const variant of VARIANTS) {
      const directory = join(root, variant.model);
      const home = join(directory, "home");
      const project = join(directory, "project");
      mkdirSync(home, { recursive: true });
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, "greeting.txt"), "hello world\n");
      const terminal = await startTmuxSession({
        socket: `claude-gemini-e2e-${process.pid}-${variant.model}`,
        cwd: project,
        env: {
          HOME: home,
          PATH: [bin, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
          TERM: "xterm-256color",
          LANG: "C.UTF-8",
          TMPDIR: home,
          GEMINI_API_KEY: GEMINI_KEY,
          GEMINI_BASE_URL: fake.url,
          DEFAULT_MODEL: variant.model,
          OPUS_MODEL: variant.model,
          SONNET_MODEL: variant.model,
          HAIKU_MODEL: variant.model,
          // Nothing listens there: the launcher starts its own proxy, as on a fresh machine.
          PROXY_PORT: String(port),
          CLAUDE_CODE_PATH: CLAUDE_BINARY,
          DISABLE_AUTOUPDATER: "1",
          // A prompt the test can wait for before it types the next command.
          PS1: "shell> ",
        },
      });
      sessions.push({ variant, home, project, terminal });
    }
  });

  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.terminal.close()));
    await fake?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("starts with one command and asks only whether to trust the folder", async () => {
    await onEach(async (session) => {
      await session.terminal.type("claude-gemini-code");
      await session.terminal.press("Enter");
      // The question defaults to "No, exit": a person moves to "Yes, I trust this folder".
      await session.terminal.waitFor("Yes, I trust this folder", { failOn: BROKEN });
      await chooseTrust(session.terminal);
      await session.terminal.press("Enter");
      const screen = await session.terminal.waitFor(READY, { failOn: BROKEN });
      expect(screen).toContain(session.variant.model);
      expect(
        JSON.parse(readFileSync(join(session.home, ".claude.json"), "utf8")).hasCompletedOnboarding,
      ).toBe(true);
    });
  });

  it("answers a question on screen, with Gemini's real output limit", async () => {
    await onEach(async (session) => {
      await ask(session, "[tmux:answer] What is six times seven?");
      await session.terminal.waitFor("The fake says the answer is 42.", { failOn: BROKEN });
      const request = requestsFor(session, "[tmux:answer]").at(-1);
      expect(request?.model).toBe(session.variant.model);
      // CLAUDE_CODE_MAX_OUTPUT_TOKENS: without it Claude Code asks an unknown model for 32,000.
      expect(request?.body.generationConfig.maxOutputTokens).toBe(65_536);
    });
  });

  it("lists the mapped Gemini models, with their limits, in /model", async () => {
    await onEach(async (session) => {
      await ask(session, "/model");
      const screen = await session.terminal.waitFor("Gemini for Opus requests · 1M context · 64K output", {
        failOn: BROKEN,
      });
      expect(screen).toContain("Gemini for Haiku requests");
      expect(screen).toContain(session.variant.model);
      await session.terminal.press("Escape");
      await session.terminal.waitFor(READY, { failOn: BROKEN });
    });
  });

  it("edits a file in the default permission mode", async () => {
    await onEach(async (session) => {
      await ask(session, "[tmux:edit] Change hello to goodbye in greeting.txt.");
      await session.terminal.waitFor("I changed greeting.txt to say goodbye.", {
        failOn: BROKEN,
        timeoutMs: 40_000,
      });
      expect(readFileSync(join(session.project, "greeting.txt"), "utf8")).toBe("goodbye world\n");
    });
  });

  it("searches the web in the default permission mode", async () => {
    await onEach(async (session) => {
      await ask(session, "[tmux:search] Search the web for news about the fake.");
      await session.terminal.waitFor("The web search found good news.", {
        failOn: [...BROKEN, "Auto mode can't check actions"],
        timeoutMs: 40_000,
      });
      expect(
        fake.requests.some(
          (request) =>
            request.model === session.variant.model &&
            (request.body?.tools ?? []).some((tool: { googleSearch?: unknown }) => tool.googleSearch),
        ),
      ).toBe(true);
    });
  });

  it("runs a subagent in the default permission mode", async () => {
    await onEach(async (session) => {
      await ask(session, "[tmux:agent] Ask a subagent to check the project.");
      await session.terminal.waitFor("The subagent reported back.", {
        failOn: [...BROKEN, "Auto mode can't check actions"],
        timeoutMs: 40_000,
      });
      expect(requestsFor(session, "[tmux:subagent]").length).toBeGreaterThan(0);
    });
  });

  it("stops a streaming answer on Escape and stays usable", async () => {
    await onEach(async (session) => {
      await ask(session, `${SLOW_PROMPT} Tell me a slow story.`);
      await session.terminal.waitFor("Slow sentence 3 ", { failOn: BROKEN });
      await session.terminal.press("Escape");
      const screen = await session.terminal.waitFor("Interrupted", { failOn: BROKEN });
      expect(screen).not.toContain("Slow sentence 40 ");
      // The Escape reached Gemini: the proxy closed the upstream stream.
      await expect
        .poll(() => requestsFor(session, SLOW_PROMPT).some((request) => request.aborted), { timeout: 10_000 })
        .toBe(true);
      await ask(session, "[tmux:after-escape] Are you still there?");
      await session.terminal.waitFor("Still here after the Escape.", { failOn: BROKEN });
    });
  });

  it("resumes the session after exit with the command Claude Code prints", async () => {
    await onEach(async (session) => {
      await ask(session, "/exit");
      const screen = await session.terminal.waitFor(/claude-gemini-code --resume [0-9a-f-]{36}/, {
        failOn: BROKEN,
      });
      expect(screen).not.toContain("failed during the session");
      const command = /claude-gemini-code --resume [0-9a-f-]{36}/.exec(screen)![0];
      // Typed as printed, in the same shell, once the launcher is done and the shell asks.
      await session.terminal.waitFor(/\nshell>$/, { failOn: BROKEN });
      await session.terminal.type(command);
      await session.terminal.press("Enter");
      await session.terminal.waitFor(READY, { failOn: BROKEN });
      await ask(session, "[tmux:resumed] What did I ask first?");
      await session.terminal.waitFor("You first asked what six times seven is.", { failOn: BROKEN });
      await ask(session, "/exit");
      await session.terminal.waitFor(/Resume this session with:[\s\S]*Resume this session with:/);
    });
  });

  it("had the proxy check the actions of auto mode", () => {
    // The web search and the subagent ran because the proxy's classifier answered for them.
    const checks = fake.requests.filter((request) => readReviewedActions(request.body ?? {}) !== undefined);
    const reviewed = checks.flatMap((request) =>
      readReviewedActions(request.body)!.map((action) => action.tool),
    );
    expect(reviewed).toEqual(expect.arrayContaining(["WebSearch", "Agent"]));
  });

  it("reached the fake without a single rejection, and logged each proxy to a file", async () => {
    expect(
      fake.requests.filter((request) => request.rejection).map((request) => request.rejection?.message),
    ).toEqual([]);
    for (const session of sessions) {
      const directory = join(session.home, `claude-gemini-proxy-${userName()}`);
      const logs = readdirSync(directory).map((name) => readFileSync(join(directory, name), "utf8"));
      // One log per launch: the first session and the resumed one.
      expect(logs.length, session.variant.label).toBe(2);
      const lines = logs.join("").split("\n");
      const errors = lines.filter((line) => line.includes(" error="));
      // The answer stopped with Escape is the client leaving, not a Gemini failure.
      expect(errors.length, logs.join("\n")).toBe(1);
      expect(errors[0]).toContain("error=aborted");
      expect(lines.filter((line) => line.includes("POST /v1/messages ")).length).toBeGreaterThan(5);
    }
  });
});

/** The scripted model: the latest prompt with a marker picks the answers, tool turns since then the step. */
function answer(request: RecordedRequest): Scenario {
  // The proxy's auto-mode classifier: every action of these sessions is what the person asked for.
  if (readReviewedActions(request.body ?? {}) !== undefined) {
    return { kind: "verdicts", judge: () => ({ flagged: false, reason: "The person asked for this." }) };
  }
  const tools = (request.body?.tools ?? []) as { googleSearch?: unknown; functionDeclarations?: unknown[] }[];
  if (tools.some((tool) => tool.googleSearch)) {
    return {
      kind: "grounded",
      text: "Good news about the fake.",
      queries: ["claude gemini fake news"],
      sources: [{ uri: "https://example.com/news", title: "Example News" }],
      supports: [{ text: "Good news about the fake.", sources: [0] }],
    };
  }
  const side: Scenario = { kind: "text", text: "E2E side answer" };
  if (!tools.some((tool) => (tool.functionDeclarations?.length ?? 0) > 0)) return side;
  const prompt = findLatestPrompt(request);
  if (!prompt) return side;
  const session = sessions.find((candidate) => candidate.variant.model === request.model);
  const steps = STEPS[prompt.marker]!(request, session?.project ?? root);
  return steps[Math.min(prompt.toolTurns, steps.length - 1)]!;
}

/**
 * The prompt the model answers now: the newest user turn with text, past the tool results that
 * follow it. A newest turn without a marker (a background-task notice Claude Code sends on its own,
 * such as a subagent that finished) belongs to no step and gets the side answer.
 */
function findLatestPrompt(request: RecordedRequest): { marker: string; toolTurns: number } | undefined {
  const contents = (request.body?.contents ?? []) as {
    role?: string;
    parts?: { text?: string; functionCall?: unknown; functionResponse?: unknown }[];
  }[];
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index]!;
    if (content.role !== "user") continue;
    const parts = content.parts ?? [];
    const text = parts.map((part) => part.text ?? "").join("\n");
    // A prompt sent after an interrupted answer can share its turn with the one before it (the
    // empty model turn between them is dropped): the marker typed last is the one to answer.
    const marker = Object.keys(STEPS)
      .filter((candidate) => text.includes(candidate))
      .sort((left, right) => text.lastIndexOf(right) - text.lastIndexOf(left))[0];
    if (!marker) {
      if (parts.some((part) => part.functionResponse)) continue;
      return undefined;
    }
    const toolTurns = contents
      .slice(index + 1)
      .filter(
        (later) => later.role === "model" && (later.parts ?? []).some((part) => part.functionCall),
      ).length;
    return { marker, toolTurns };
  }
  return undefined;
}

function readUserTexts(request: RecordedRequest): string[] {
  const contents = (request.body?.contents ?? []) as { role?: string; parts?: { text?: string }[] }[];
  return contents
    .filter((content) => content.role === "user")
    .flatMap((content) => (content.parts ?? []).map((part) => part.text ?? ""));
}

/** The generate requests of one terminal whose latest prompt carries `marker`. */
function requestsFor(session: Session, marker: string): RecordedRequest[] {
  return fake.requests.filter(
    (request) =>
      request.model === session.variant.model &&
      (request.action === "generateContent" || request.action === "streamGenerateContent") &&
      findLatestPrompt(request)?.marker === marker,
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function userName(): string {
  return userInfo().username.replace(/[^\w.-]/g, "_");
}
