#!/usr/bin/env node
/**
 * Builds `fixtures/claude-code-request.json`, the Claude-Code-size request the benchmark
 * converts and sends: the recorded session fixture of core (system blocks, 12 tools with
 * 2020-12 schemas, a `role: "system"` turn, thinking blocks with signatures, parallel tool
 * calls) grown to the size a real session reaches after a few minutes of work (~49 KB on the
 * wire). Claude Code's own tool descriptions run to several paragraphs and its history is
 * mostly tool results holding file contents, so that is what is added: longer descriptions,
 * a longer system prompt, and a stretch of history reading, searching and testing source
 * files of this repository as numbered `Read` output.
 *
 * The fixture is committed; run this only to rebuild it:
 *   node test/bench/build-claude-code-request.mjs
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const TARGET_BYTES = 49 * 1024;

const session = JSON.parse(
  readFileSync(`${root}packages/core/src/__fixtures__/requests/claude-code-session.json`, "utf8"),
);

const SYSTEM_PROMPT = `You are an interactive CLI tool that helps users with software engineering tasks. Use the instructions below and the tools available to you to assist the user.

IMPORTANT: Assist with defensive security tasks only. Refuse to create, modify, or improve code that may be used maliciously.
IMPORTANT: You must NEVER generate or guess URLs for the user unless you are confident that the URLs are for helping the user with programming.

# Tone and style
You should be concise, direct, and to the point. Answer the user's question directly, without elaboration, explanation, or details, unless they ask for them. One word answers are best when they fit. Avoid introductions, conclusions and explanations of code you just wrote unless the user asks. Your output is displayed in a monospace terminal and rendered as GitHub-flavored markdown.

# Proactiveness
You are allowed to be proactive, but only when the user asks you to do something. Do the right thing when asked, including follow-up actions, but do not surprise the user with actions they did not ask for. If the user asks how to approach something, answer first; do not jump into changing files.

# Following conventions
When making changes to files, first understand the file's code conventions. Mimic code style, use existing libraries and utilities, and follow existing patterns.
- NEVER assume that a given library is available, even if it is well known. Check that this codebase already uses it: look at neighboring files, or check the package.json.
- When you create a new component, first look at existing components to see how they are written; then consider framework choice, naming conventions, typing, and other conventions.
- When you edit a piece of code, first look at the code's surrounding context (especially its imports) to understand the code's choice of frameworks and libraries.
- Always follow security best practices. Never introduce code that exposes or logs secrets and keys. Never commit secrets or keys to the repository.

# Code style
- IMPORTANT: DO NOT ADD ***ANY*** COMMENTS unless asked.

# Task Management
You have access to the TodoWrite tool to help you manage and plan tasks. Use it VERY frequently to make sure that you are tracking your tasks and giving the user visibility into your progress. It is also extremely helpful for planning tasks and for breaking larger complex tasks into smaller steps. Mark todos as completed as soon as you are done with a task. Do not batch up several tasks before marking them as completed.

# Doing tasks
The user will primarily request you perform software engineering tasks: solving bugs, adding new functionality, refactoring code, explaining code, and more. For these tasks:
- Use the TodoWrite tool to plan the task if required.
- Use the available search tools to understand the codebase and the user's query. Use the search tools extensively, both in parallel and sequentially.
- Implement the solution using all tools available to you.
- Verify the solution if possible with tests. NEVER assume a specific test framework or test script. Check the README or search the codebase to determine the testing approach.
- VERY IMPORTANT: When you have completed a task, you MUST run the lint and typecheck commands (e.g. npm run lint, npm run typecheck) if they were provided to you, to ensure your code is correct.
NEVER commit changes unless the user explicitly asks you to.

# Tool usage policy
- When doing file search, prefer to use the Task tool in order to reduce context usage.
- You have the capability to call multiple tools in a single response. When multiple independent pieces of information are requested, batch your tool calls together for optimal performance. When making multiple bash tool calls, you MUST send a single message with multiple tool calls to run the calls in parallel.

You can use the following tools without requiring user approval: Bash(pnpm test:*), Bash(pnpm exec vitest:*), Bash(git status:*), Bash(git diff:*)

<env>
Working directory: ~/src/claude-gemini
Is directory a git repo: Yes
Platform: linux
OS Version: Linux 6.8.0-49-generic
Today's date: 2026-11-26
</env>
You are powered by the model named Opus 5.5. The exact model ID is claude-opus-5-5.

gitStatus: This is the git status at the start of the conversation. Note that this status is a snapshot in time, and will not update during the conversation.
Current branch: main

Main branch (you will usually use this for PRs): main

Status:
M packages/core/src/convert-usage.ts
?? tmp/settings.png

Recent commits:
4aaf153 deps: pin Claude Code CLI and autocannon for the test workspace
bcf31c4 node-http: Node bridge with backpressure, gzip and body limits
4d5d6d7 fetch-handler: createFetchHandler on @google/genai with routes, auth, retries, streaming
36bca41 core: validation, model resolution, generation settings, schema compiler, converters
fa9f301 biome: migrate config to 2.6 preset form`;

/** Usage notes appended to the short descriptions of the session fixture, as Claude Code ships them. */
const TOOL_NOTES = {
  Task: `Available agent types and the tools they have access to:
- general-purpose: General-purpose agent for researching complex questions, searching for code, and executing multi-step tasks. (Tools: *)
- statusline-setup: Use this agent to configure the user's status line setting. (Tools: Read, Edit)

When NOT to use the Task tool:
- If you want to read a specific file path, use the Read or Glob tool instead, to find the match more quickly.
- If you are searching for a specific class definition like "class Foo", use the Glob tool instead.

Usage notes:
1. Launch multiple agents concurrently whenever possible, to maximize performance; to do that, use a single message with multiple tool uses.
2. When the agent is done, it will return a single message back to you. The result returned by the agent is not visible to the user; send the user a concise summary of it.
3. Each agent invocation is stateless. Your prompt should contain a highly detailed task description for the agent to perform autonomously, and say exactly what information the agent should return.`,
  Bash: `Before executing the command, please follow these steps:
1. Directory Verification: if the command will create new directories or files, first use \`ls\` to verify the parent directory exists and is the correct location.
2. Command Execution: always quote file paths that contain spaces with double quotes.

Usage notes:
- The command argument is required.
- You can specify an optional timeout in milliseconds (up to 600000ms / 10 minutes). If not specified, commands will time out after 120000ms (2 minutes).
- It is very helpful if you write a clear, concise description of what this command does in 5-10 words.
- If the output exceeds 30000 characters, output will be truncated before being returned to you.
- VERY IMPORTANT: You MUST avoid using search commands like \`find\` and \`grep\`. Instead use Grep, Glob, or Task to search. You MUST avoid read tools like \`cat\`, \`head\` and \`tail\`, and use Read to read files.
- When issuing multiple commands, use the ';' or '&&' operator to separate them. DO NOT use newlines (newlines are ok in quoted strings).
- Try to maintain your current working directory throughout the session by using absolute paths and avoiding usage of \`cd\`.

# Committing changes with git
When the user asks you to create a new git commit, follow these steps carefully:
1. Run git status, git diff and git log in parallel to see untracked files, staged and unstaged changes, and the recent commit message style.
2. Analyze all staged changes and draft a commit message that focuses on the "why" rather than the "what".
3. Add relevant untracked files to the staging area, create the commit, and run git status to make sure it succeeded.
- NEVER update the git config. NEVER run additional commands to read or explore code besides git bash commands.
- DO NOT push to the remote repository unless the user explicitly asks you to do so.`,
  Glob: `- Supports glob patterns like "**/*.js" or "src/**/*.ts"
- Returns matching file paths sorted by modification time
- Use this tool when you need to find files by name patterns
- When you are doing an open ended search that may require multiple rounds of globbing and grepping, use the Task tool instead
- You have the capability to call multiple tools in a single response. It is always better to speculatively perform multiple searches as a batch that are potentially useful.`,
  Grep: `Usage:
- ALWAYS use Grep for search tasks. NEVER invoke \`grep\` or \`rg\` as a Bash command. The Grep tool has been optimized for correct permissions and access.
- Supports full regex syntax (e.g., "log.*Error", "function\\s+\\w+")
- Filter files with glob parameter (e.g., "*.js", "**/*.tsx") or type parameter (e.g., "js", "py", "rust")
- Output modes: "content" shows matching lines, "files_with_matches" shows only file paths (default), "count" shows match counts
- Pattern syntax: uses ripgrep (not grep); literal braces need escaping (use \`interface\\{\\}\` to find \`interface{}\` in Go code)
- Multiline matching: by default patterns match within single lines only. For cross-line patterns, use \`multiline: true\``,
  Read: `Assume this tool is able to read all files on the machine. If the User provides a path to a file assume that path is valid. It is okay to read a file that does not exist; an error will be returned.

Usage:
- The file_path parameter must be an absolute path, not a relative path
- By default, it reads up to 2000 lines starting from the beginning of the file
- You can optionally specify a line offset and limit (especially handy for long files), but it's recommended to read the whole file by not providing these parameters
- Any lines longer than 2000 characters will be truncated
- Results are returned using cat -n format, with line numbers starting at 1
- This tool allows Claude Code to read images (eg PNG, JPG, etc). When reading an image file the contents are presented visually.
- This tool can read PDF files (.pdf). PDFs are processed page by page, extracting both text and visual content for analysis.
- You can call multiple tools in a single response. It is always better to speculatively read multiple potentially useful files in parallel.`,
  Edit: `Usage:
- You must use your \`Read\` tool at least once in the conversation before editing. This tool will error if you attempt an edit without reading the file.
- When editing text from Read tool output, ensure you preserve the exact indentation (tabs/spaces) as it appears AFTER the line number prefix.
- ALWAYS prefer editing existing files in the codebase. NEVER write new files unless explicitly required.
- The edit will FAIL if \`old_string\` is not unique in the file. Either provide a larger string with more surrounding context to make it unique or use \`replace_all\` to change every instance of \`old_string\`.`,
  Write: `Usage:
- This tool will overwrite the existing file if there is one at the provided path.
- If this is an existing file, you MUST use the Read tool first to read the file's contents.
- ALWAYS prefer editing existing files in the codebase. NEVER write new files unless explicitly required.
- NEVER proactively create documentation files (*.md) or README files.`,
  TodoWrite: `## When to Use This Tool
1. Complex multi-step tasks - when a task requires 3 or more distinct steps or actions
2. Non-trivial and complex tasks - tasks that require careful planning or multiple operations
3. User explicitly requests todo list - when the user directly asks you to use the todo list
4. After receiving new instructions - immediately capture user requirements as todos

## Task States
- pending: task not yet started
- in_progress: currently working on (limit to ONE task at a time)
- completed: task finished successfully

Only mark a task as completed when you have FULLY accomplished it. If you encounter errors, blockers, or cannot finish, keep the task as in_progress.`,
};

const request = structuredClone(session);
request.system[2].text = SYSTEM_PROMPT;
for (const tool of request.tools) {
  const notes = TOOL_NOTES[tool.name];
  if (notes) tool.description = `${tool.description}\n\n${notes}`;
}

/** `cat -n` output of a repository file, the way the Read tool returns it. */
function readOutput(path) {
  const lines = readFileSync(`${root}${path}`, "utf8").split("\n");
  return lines.map((line, index) => `${String(index + 1).padStart(6, " ")}\t${line}`).join("\n");
}

let counter = 0;
/** Tool-use ids in the shape of Claude Code's, deterministic so the fixture is stable. */
function nextToolUseId() {
  counter += 1;
  const seed = `bench${counter}`.padEnd(8, "x");
  return `toolu_01${seed}${"AbCdEfGhIjKlMnOp".slice(0, 16)}`;
}

/** One assistant step calling `calls` in parallel and the user turn with their results. */
function exchange(text, calls) {
  const uses = calls.map((call) => ({
    type: "tool_use",
    id: nextToolUseId(),
    name: call.name,
    input: call.input,
  }));
  const assistant = { role: "assistant", content: [...(text ? [{ type: "text", text }] : []), ...uses] };
  const user = {
    role: "user",
    content: uses.map((use, index) => ({
      type: "tool_result",
      tool_use_id: use.id,
      content: calls[index].result,
      ...(calls[index].isError ? { is_error: true } : {}),
    })),
  };
  return [assistant, user];
}

const readCall = (path) => ({ name: "Read", input: { file_path: path }, result: readOutput(path) });

// The session fixture ends on a user text turn; the agent keeps working from there, so the
// request that is sent ends on tool results, as most of Claude Code's requests do.
const candidates = [
  "packages/core/src/convert-usage.ts",
  "packages/core/src/map-gemini-finish-reason.ts",
  "packages/core/src/convert-tool-name.ts",
  "packages/core/src/encode-sse-event.ts",
  "packages/core/src/convert-tools-to-gemini.ts",
  "packages/core/src/json-schema-compiler.ts",
  "packages/core/src/thought-signature.ts",
  "packages/core/src/conversion-context.ts",
  "packages/core/src/create-id-generator.ts",
  "packages/core/src/is-retryable-gemini-response.ts",
];
const history = [
  ...exchange("Let me look at how usage is converted before summarising.", [
    {
      name: "Grep",
      input: { pattern: "cachedContentTokenCount", output_mode: "content", "-n": true },
      result: [
        "packages/core/src/convert-usage.ts:18:  const cached = usage?.cachedContentTokenCount ?? 0;",
        "packages/core/src/gemini-api.ts:41:  cachedContentTokenCount?: number;",
        "packages/fetch-handler/src/stream-anthropic-events.ts:186:  if (usage.cachedContentTokenCount !== undefined) scope.record.cachedTokens = usage.cachedContentTokenCount;",
        "packages/fetch-handler/src/handle-messages.ts:67:  scope.record.cachedTokens = response.usageMetadata?.cachedContentTokenCount;",
      ].join("\n"),
    },
    readCall(candidates[0]),
  ]),
];
for (const path of candidates.slice(1)) {
  const next = [...history, ...exchange(`Reading ${path.split("/").at(-1)} as well.`, [readCall(path)])];
  const probe = { ...request, messages: [...request.messages, ...next] };
  // A file that would overshoot is skipped; a smaller one later in the list may still fit.
  if (JSON.stringify(probe).length > TARGET_BYTES) continue;
  history.splice(0, history.length, ...next);
}
history.push(
  ...exchange("", [
    {
      name: "Bash",
      input: { command: "pnpm exec vitest run packages/core", description: "Run the core tests" },
      result: [
        " RUN  v5.1.1",
        "",
        " ✓ packages/core/src/convert-usage.test.ts (9 tests) 6ms",
        " ✓ packages/core/src/map-gemini-finish-reason.test.ts (19 tests) 5ms",
        " ✓ packages/core/src/convert-tool-name.test.ts (14 tests) 12ms",
        " ✓ packages/core/src/convert-json-schema.test.ts (88 tests) 301ms",
        " ✓ packages/core/src/create-stream-translator.test.ts (31 tests) 410ms",
        "",
        " Test Files  5 passed (5)",
        "      Tests  161 passed (161)",
      ].join("\n"),
    },
  ]),
);
request.messages.push(...history);

const text = `${JSON.stringify(request, null, 2)}\n`;
writeFileSync(fileURLToPath(new URL("./fixtures/claude-code-request.json", import.meta.url)), text);
console.log(
  `claude-code-request.json: ${JSON.stringify(request).length} bytes compact, ${request.tools.length} tools, ${request.messages.length} messages`,
);
