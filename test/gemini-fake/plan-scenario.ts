import { buildErrorBody, codeForGeminiStatus } from "./build-error-body.js";
import { buildResponseChunks, type FakePart } from "./build-response-chunks.js";
import type { ServerPartRegistry } from "./create-server-part-registry.js";
import type { SignatureRegistry } from "./create-signature-registry.js";
import { estimateFakeTokens } from "./estimate-fake-tokens.js";
import type { FakeModel } from "./known-models.js";
import { splitText } from "./split-text.js";
import type { FakeServerTool, RecordedRequest, ReviewedAction, Scenario } from "./types.js";

/** How a planned answer ends after its chunks. */
export type PlanEnding =
  | { type: "finish" }
  /** End the socket mid-body (`close`: FIN, `reset`: RST). */
  | { type: "close" }
  | { type: "reset" }
  /** Write a chunk that is not JSON, then finish. */
  | { type: "garbage" }
  /** Keep the connection open until the client goes away. */
  | { type: "stall" }
  /** Write an `{error}` chunk (streaming) or answer with this error (non-streaming). */
  | { type: "error_chunk"; status: number; body: unknown };

/** What the server will do, independent of streaming or not. */
export type ResponsePlan =
  | { type: "json"; status: number; body: unknown; delayMs: number }
  | { type: "chunks"; chunks: unknown[]; ending: PlanEnding; delayMs: number; betweenMs: number };

export interface PlanContext {
  request: RecordedRequest;
  model: FakeModel;
  signatures: SignatureRegistry;
  /** Where sent `toolCall` / `toolResponse` parts are remembered. Absent: not remembered. */
  serverParts?: ServerPartRegistry;
  /** Continuation tokens handed out, which later requests may send back. Absent: not remembered. */
  continuations?: Set<string>;
  responseId: string;
}

/**
 * Turns a scenario into a response plan. Adding a scenario is one case here (and one member
 * of the `Scenario` union).
 */
export function planScenario(scenario: Scenario, context: PlanContext): ResponsePlan {
  const body = (context.request.body ?? {}) as Record<string, unknown>;
  const chunkOptions = {
    modelVersion: context.model.id,
    responseId: context.responseId,
    promptTokenCount: estimatePrompt(body),
  };
  const includeThoughts = readIncludeThoughts(body);
  const chunks = (chunkList: unknown[], ending: PlanEnding = { type: "finish" }): ResponsePlan => ({
    type: "chunks",
    chunks: chunkList,
    ending,
    delayMs: 0,
    betweenMs: 0,
  });
  const partialText = (count: number) =>
    buildResponseChunks(
      Array.from({ length: count }, (_, index) => [{ text: `Chunk ${index + 1}. ` }]),
      { ...chunkOptions, finishReason: null },
    );

  const combined = readServerToolInvocations(body);

  switch (scenario.kind) {
    case "text": {
      const signing = wantsSignatures(scenario.signatures, context.model);
      const steps: FakePart[][] = [];
      if (scenario.thoughts && includeThoughts) steps.push([{ text: scenario.thoughts, thought: true }]);
      if (combined) steps.push(...planServerTools(scenario.serverTools, body, context, signing));
      for (const piece of splitText(scenario.text, scenario.chunks ?? 1)) steps.push([{ text: piece }]);
      // Gemini 3 closes a text answer with an empty part that only carries the signature.
      if (signing)
        steps[steps.length - 1]!.push({
          text: "",
          thoughtSignature: context.signatures.issue(context.model.id),
        });
      return chunks(
        buildResponseChunks(steps, {
          ...chunkOptions,
          finishReason: scenario.finishReason ?? (scenario.continuationToken ? "CONTINUATION" : "STOP"),
          hiddenThoughtTokens: hiddenThoughts(scenario.thoughts, includeThoughts),
          usage: scenario.usage,
          continuationToken: issueContinuation(context, scenario.continuationToken),
        }),
      );
    }
    case "tool_calls": {
      const signing = wantsSignatures(scenario.signatures, context.model);
      const steps: FakePart[][] = [];
      if (scenario.thoughts && includeThoughts) steps.push([{ text: scenario.thoughts, thought: true }]);
      if (combined) steps.push(...planServerTools(scenario.serverTools, body, context, signing));
      if (scenario.text) steps.push([{ text: scenario.text }]);
      const callParts = scenario.calls.map((call, index): FakePart => {
        const functionCall: Record<string, unknown> = { name: call.name, args: call.args };
        // With server-side tool invocations the service names every call, and wants the id back.
        const id = call.id ?? (combined ? `fc_${context.responseId}_${index}` : undefined);
        if (id !== undefined) functionCall.id = id;
        // Only the first call of a step carries the signature, also for parallel calls.
        return signing && index === 0
          ? { functionCall, thoughtSignature: context.signatures.issue(context.model.id) }
          : { functionCall };
      });
      if (scenario.splitAcrossChunks) for (const part of callParts) steps.push([part]);
      else steps.push(callParts);
      return chunks(
        buildResponseChunks(steps, {
          ...chunkOptions,
          finishReason: "STOP",
          hiddenThoughtTokens: hiddenThoughts(scenario.thoughts, includeThoughts),
          usage: scenario.usage,
        }),
      );
    }
    case "error": {
      const details: unknown[] = [];
      if (scenario.reason) {
        details.push({
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: scenario.reason,
          domain: "googleapis.com",
        });
      }
      if (scenario.retryDelay) {
        details.push({
          "@type": "type.googleapis.com/google.rpc.RetryInfo",
          retryDelay: scenario.retryDelay,
        });
      }
      return {
        type: "json",
        status: scenario.status,
        body: buildErrorBody({ ...scenario, details }),
        delayMs: 0,
      };
    }
    case "blocked":
      return chunks([
        {
          promptFeedback: { blockReason: scenario.blockReason },
          usageMetadata: {
            promptTokenCount: chunkOptions.promptTokenCount,
            totalTokenCount: chunkOptions.promptTokenCount,
          },
          modelVersion: chunkOptions.modelVersion,
          responseId: chunkOptions.responseId,
        },
      ]);
    case "finish": {
      const steps: FakePart[][] = [scenario.text ? [{ text: scenario.text }] : []];
      const finishMessage =
        scenario.finishReason === "MALFORMED_FUNCTION_CALL"
          ? "Malformed function call: call:default_api"
          : undefined;
      return chunks(
        buildResponseChunks(steps, { ...chunkOptions, finishReason: scenario.finishReason, finishMessage }),
      );
    }
    case "empty_candidates":
      // The real service sometimes answers with usage only and no `candidates` at all.
      return chunks([
        {
          usageMetadata: {
            promptTokenCount: chunkOptions.promptTokenCount,
            totalTokenCount: chunkOptions.promptTokenCount,
          },
          modelVersion: chunkOptions.modelVersion,
          responseId: chunkOptions.responseId,
        },
      ]);
    case "cut_stream":
      return chunks(partialText(scenario.afterChunks), { type: scenario.mode });
    case "garbage_chunk":
      return chunks(partialText(scenario.afterChunks), { type: "garbage" });
    case "error_chunk": {
      const status = scenario.code ?? codeForGeminiStatus(scenario.geminiStatus);
      return chunks(partialText(scenario.afterChunks), {
        type: "error_chunk",
        status,
        body: buildErrorBody({ status, geminiStatus: scenario.geminiStatus, message: scenario.message }),
      });
    }
    case "no_finish_reason":
      return chunks(
        buildResponseChunks([[{ text: scenario.text ?? "Unfinished answer." }]], {
          ...chunkOptions,
          finishReason: null,
        }),
      );
    case "slow": {
      const inner = planScenario(scenario.inner, context);
      return inner.type === "json"
        ? { ...inner, delayMs: inner.delayMs + scenario.delayMs }
        : {
            ...inner,
            delayMs: inner.delayMs + scenario.delayMs,
            betweenMs: scenario.between ?? inner.betweenMs,
          };
    }
    case "stall":
      return chunks(partialText(scenario.afterChunks), { type: "stall" });
    case "respond": {
      const answer = scenario.handler(context.request);
      return "chunks" in answer
        ? chunks(answer.chunks)
        : { type: "json", status: answer.status, body: answer.body, delayMs: 0 };
    }
    case "echo":
      return planScenario({ kind: "text", text: describeRequest(body) }, context);
    case "script":
      return planScenario(scenario.handler(context.request), context);
    case "grounded":
      return chunks(planGrounded(scenario, body, chunkOptions));
    case "json": {
      const json = JSON.stringify(scenario.value);
      const asked = (body.generationConfig as { responseMimeType?: unknown } | undefined)?.responseMimeType;
      const text =
        asked === "application/json"
          ? json
          : `Here is the data you asked for:\n\n\`\`\`json\n${json}\n\`\`\``;
      return planScenario({ kind: "text", text }, context);
    }
    case "verdicts": {
      const actions = readReviewedActions(body);
      if (actions === undefined) {
        return {
          type: "json",
          status: 400,
          body: buildErrorBody({
            status: 400,
            geminiStatus: "INVALID_ARGUMENT",
            message: "The fake expected an auto-mode classifier request (actions_to_review), got another.",
          }),
          delayMs: 0,
        };
      }
      const verdicts = actions.map((action) => {
        const decision = scenario.judge(action);
        return {
          call: action.call,
          reason: decision.reason ?? "Scripted verdict.",
          flagged: decision.flagged,
        };
      });
      return planScenario({ kind: "json", value: { verdicts } }, context);
    }
    default: {
      const unknownScenario: never = scenario;
      throw new Error(`Unknown scenario ${JSON.stringify(unknownScenario)}`);
    }
  }
}

/** The `actions_to_review` of a classifier request's JSON document, or `undefined` for any other request. */
export function readReviewedActions(body: Record<string, unknown>): ReviewedAction[] | undefined {
  const contents = body.contents as { parts?: { text?: unknown }[] }[] | undefined;
  const text = contents?.[0]?.parts?.[0]?.text;
  if (typeof text !== "string" || !text.includes('"actions_to_review"')) return undefined;
  try {
    const actions = (JSON.parse(text) as { actions_to_review?: unknown }).actions_to_review;
    return Array.isArray(actions) ? (actions as ReviewedAction[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The request asked for server-side tool invocations (built-in tools next to functions). */
function readServerToolInvocations(body: Record<string, unknown>): boolean {
  const toolConfig = body.toolConfig as { includeServerSideToolInvocations?: unknown } | undefined;
  return toolConfig?.includeServerSideToolInvocations === true;
}

/** The built-in tool each server-side tool type needs in the request. */
const BUILT_IN_TOOL_BY_TYPE = {
  GOOGLE_SEARCH_WEB: "googleSearch",
  URL_CONTEXT: "urlContext",
} as const satisfies Record<FakeServerTool["toolType"], string>;

/**
 * The `toolCall` / `toolResponse` steps of the server-side tools the request enabled, each part
 * signed on Gemini 3 (every part carries one, as documented) and remembered for the echo check.
 */
function planServerTools(
  serverTools: readonly FakeServerTool[] | undefined,
  body: Record<string, unknown>,
  context: PlanContext,
  signing: boolean,
): FakePart[][] {
  const tools = Array.isArray(body.tools) ? (body.tools as Record<string, unknown>[]) : [];
  const steps: FakePart[][] = [];
  for (const [index, tool] of (serverTools ?? []).entries()) {
    if (!tools.some((declared) => declared[BUILT_IN_TOOL_BY_TYPE[tool.toolType]] !== undefined)) continue;
    const id = `${context.responseId.slice(0, 6)}${index}`;
    const call: FakePart = { toolCall: { toolType: tool.toolType, args: tool.args, id } };
    const response: FakePart = { toolResponse: { toolType: tool.toolType, response: tool.response, id } };
    for (const part of [call, response]) {
      if (signing) part.thoughtSignature = context.signatures.issue(context.model.id);
      context.serverParts?.issue(part);
    }
    steps.push([call], [response]);
  }
  return steps;
}

function wantsSignatures(setting: boolean | "gemini3" | undefined, model: FakeModel): boolean {
  return setting === true || ((setting === undefined || setting === "gemini3") && model.generation3);
}

function hiddenThoughts(thoughts: string | undefined, included: boolean): number {
  return thoughts && !included ? estimateFakeTokens(thoughts) : 0;
}

function readIncludeThoughts(body: Record<string, unknown>): boolean {
  const config = body.generationConfig as { thinkingConfig?: { includeThoughts?: unknown } } | undefined;
  return config?.thinkingConfig?.includeThoughts === true;
}

function estimatePrompt(body: Record<string, unknown>): number {
  return estimateFakeTokens([body.contents, body.systemInstruction, body.tools]);
}

/** What `echo` says: a JSON text a test can parse to see what reached "Gemini". */
function describeRequest(body: Record<string, unknown>): string {
  const contents = Array.isArray(body.contents) ? (body.contents as Record<string, unknown>[]) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as Record<string, unknown>[]) : [];
  const functionNames = tools.flatMap((tool) =>
    Array.isArray(tool.functionDeclarations)
      ? (tool.functionDeclarations as { name?: unknown }[]).map((declaration) => String(declaration.name))
      : [],
  );
  const lastUser = [...contents].reverse().find((content) => content.role === "user");
  const lastUserText = Array.isArray(lastUser?.parts)
    ? (lastUser.parts as { text?: unknown }[])
        .map((part) => (typeof part.text === "string" ? part.text : ""))
        .join("")
    : "";
  const system = body.systemInstruction as { parts?: { text?: unknown }[] } | undefined;
  return JSON.stringify({
    contents: contents.length,
    roles: contents.map((content) => content.role),
    functionDeclarations: functionNames,
    systemInstruction:
      system?.parts?.map((part) => (typeof part.text === "string" ? part.text : "")).join("") ?? null,
    generationConfig: body.generationConfig ?? null,
    toolConfig: body.toolConfig ?? null,
    lastUserText,
  });
}

/** The chunks of a `grounded` scenario; the metadata rides on the last chunk's candidate. */
function planGrounded(
  scenario: Extract<Scenario, { kind: "grounded" }>,
  body: Record<string, unknown>,
  chunkOptions: { modelVersion: string; responseId: string; promptTokenCount: number },
): Record<string, unknown>[] {
  const steps = splitText(scenario.text, scenario.chunks ?? 2).map((piece) => [{ text: piece }]);
  const built = buildResponseChunks(steps, { ...chunkOptions, finishReason: "STOP" });
  const tools = Array.isArray(body.tools) ? (body.tools as Record<string, unknown>[]) : [];
  if (!tools.some((tool) => tool.googleSearch !== undefined)) return built;
  const groundingSupports = scenario.supports.map((support) => {
    const at = scenario.text.indexOf(support.text);
    if (at < 0) throw new Error(`grounded scenario: "${support.text}" is not in the answer text`);
    // Gemini counts segment offsets in UTF-8 bytes.
    const startIndex = Buffer.byteLength(scenario.text.slice(0, at), "utf8");
    return {
      segment: {
        startIndex,
        endIndex: startIndex + Buffer.byteLength(support.text, "utf8"),
        text: support.text,
      },
      groundingChunkIndices: support.sources,
    };
  });
  const last = built[built.length - 1] as { candidates: Record<string, unknown>[] };
  last.candidates[0]!.groundingMetadata = {
    webSearchQueries: scenario.queries,
    searchEntryPoint: { renderedContent: "<style></style><div>search suggestions</div>" },
    groundingChunks: scenario.sources.map((source) => ({ web: source })),
    groundingSupports,
  };
  return built;
}

/** Remembers a continuation token the answer hands out, so a later request may send it back. */
function issueContinuation(context: PlanContext, token: string | undefined): string | undefined {
  if (token !== undefined) context.continuations?.add(token);
  return token;
}
