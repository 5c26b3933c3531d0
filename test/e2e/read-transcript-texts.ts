import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The assistant text of a session as Claude Code stored it in its transcript
 * (`$HOME/.claude/projects/<project>/<session id>.jsonl`): every text block the CLI received,
 * in order. The JSON `result` is taken from the last block only; this is what the user saw.
 */
export function readTranscriptTexts(home: string, sessionId: string): string[] {
  const projects = join(home, ".claude", "projects");
  if (!existsSync(projects)) return [];
  const texts: string[] = [];
  for (const project of readdirSync(projects)) {
    const file = join(projects, project, `${sessionId}.jsonl`);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const entry = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
      if (entry.type !== "assistant" || !Array.isArray(entry.message?.content)) continue;
      for (const block of entry.message.content as { type?: string; text?: string }[]) {
        if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
      }
    }
  }
  return texts;
}
