import type { RecordedRequest, Scenario } from "../gemini-fake/index.js";

/** One step of a scripted session: a fixed answer, or one built from the request. */
export type ScriptStep = Scenario | ((request: RecordedRequest) => Scenario);

/** A session the scripted model plays when the first user turn carries its marker. */
export interface ScriptedSession {
  /** A unique word in the prompt, e.g. `[e2e:write-file:gemini-3]`. */
  marker: string;
  /** Answer `n` is played after `n` tool-call turns; the last one repeats if the CLI goes on. */
  steps: ScriptStep[];
  /** Answers played once, before step 0, to test recovery (a 429, a 503). */
  failFirst?: Scenario[];
}

/** What the scripted model says to requests of no session: titles, quota checks, summaries. */
const SIDE_ANSWER: Scenario = { kind: "text", text: "E2E side answer" };

/**
 * A fake `script` handler that plays Claude Code sessions. The session is found by its marker
 * in the first user turn, and the step by counting the model turns that called tools, so
 * sessions can run concurrently and retried requests replay the same step. Requests without
 * tools (Claude Code's side calls) get a short text, whatever their order.
 */
export function createClaudeCodeScript(sessions: readonly ScriptedSession[]): {
  handler: (request: RecordedRequest) => Scenario;
} {
  const failuresLeft = new Map(sessions.map((session) => [session.marker, [...(session.failFirst ?? [])]]));
  return {
    handler(request) {
      if (!hasTools(request)) return SIDE_ANSWER;
      const session = findSession(sessions, request);
      if (!session) return SIDE_ANSWER;
      const failure = failuresLeft.get(session.marker)?.shift();
      if (failure) return failure;
      const step = session.steps[Math.min(countToolTurns(request), session.steps.length - 1)];
      if (step === undefined) return SIDE_ANSWER;
      return typeof step === "function" ? step(request) : step;
    },
  };
}

/** The requests of one session that reached the fake as generate calls. */
export function selectSessionRequests(
  requests: readonly RecordedRequest[],
  marker: string,
): RecordedRequest[] {
  return requests.filter(
    (request) =>
      (request.action === "generateContent" || request.action === "streamGenerateContent") &&
      hasTools(request) &&
      readFirstUserText(request).includes(marker),
  );
}

/** Every text of the first user turn, joined (Claude Code puts reminders before the prompt). */
export function readFirstUserText(request: RecordedRequest): string {
  const contents = (request.body?.contents ?? []) as { role?: string; parts?: { text?: string }[] }[];
  const first = contents.find((content) => content.role === "user");
  return (first?.parts ?? []).map((part) => part.text ?? "").join("\n");
}

/** The parts of the last user turn: function responses and whatever rides beside them. */
// biome-ignore lint/suspicious/noExplicitAny: Gemini parts are indexed freely by assertions.
export function readLastUserParts(request: RecordedRequest): any[] {
  const contents = (request.body?.contents ?? []) as { role?: string; parts?: unknown[] }[];
  return [...contents].reverse().find((content) => content.role === "user")?.parts ?? [];
}

/** The function responses of the last user turn, as JSON text, for "contains" checks. */
export function readToolOutputs(request: RecordedRequest): string[] {
  return readLastUserParts(request)
    .filter((part) => part.functionResponse)
    .map((part) => JSON.stringify(part.functionResponse.response));
}

function hasTools(request: RecordedRequest): boolean {
  const tools = (request.body?.tools ?? []) as { functionDeclarations?: unknown[] }[];
  return tools.some((tool) => (tool.functionDeclarations?.length ?? 0) > 0);
}

function findSession(
  sessions: readonly ScriptedSession[],
  request: RecordedRequest,
): ScriptedSession | undefined {
  const text = readFirstUserText(request);
  return sessions.find((session) => text.includes(session.marker));
}

function countToolTurns(request: RecordedRequest): number {
  const contents = (request.body?.contents ?? []) as {
    role?: string;
    parts?: { functionCall?: unknown }[];
  }[];
  return contents.filter(
    (content) => content.role === "model" && (content.parts ?? []).some((part) => part.functionCall),
  ).length;
}
