import { readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";

/** Options of {@link findLatestSession}. */
export interface FindLatestSessionOptions {
  /** Read for `CLAUDE_CONFIG_DIR`, where Claude Code then keeps its transcripts. */
  env?: Record<string, string | undefined>;
  homeDirectory?: string;
  /** Only transcripts written at or after this time (ms since the epoch) count. */
  since: number;
}

/**
 * The id of the Claude Code session written most recently since `since`: the name of the newest
 * transcript `~/.claude/projects/<project>/<session id>.jsonl`. Undefined when there is none.
 */
export function findLatestSession(options: FindLatestSessionOptions): string | undefined {
  const env = options.env ?? process.env;
  const configDirectory =
    env.CLAUDE_CONFIG_DIR?.trim() || join(options.homeDirectory ?? homedir(), ".claude");
  const projects = join(configDirectory, "projects");
  let newest: { id: string; modified: number } | undefined;
  for (const project of listDirectory(projects)) {
    for (const file of listDirectory(join(projects, project))) {
      if (!file.endsWith(".jsonl")) continue;
      let modified: number;
      try {
        modified = statSync(join(projects, project, file)).mtimeMs;
      } catch {
        continue;
      }
      if (modified >= options.since && (newest === undefined || modified > newest.modified)) {
        newest = { id: basename(file, ".jsonl"), modified };
      }
    }
  }
  return newest?.id;
}

function listDirectory(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
