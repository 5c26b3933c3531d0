import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLatestSession } from "./find-latest-session.js";

describe("findLatestSession", () => {
  it("names the newest transcript written since the launch, in any project", () => {
    const home = mkdtempSync(join(tmpdir(), "latest-session-"));
    try {
      const write = (project: string, id: string, secondsAgo: number) => {
        mkdirSync(join(home, ".claude", "projects", project), { recursive: true });
        const path = join(home, ".claude", "projects", project, `${id}.jsonl`);
        writeFileSync(path, "{}\n");
        const time = new Date(Date.now() - secondsAgo * 1000);
        utimesSync(path, time, time);
      };
      write("-a", "old-session", 3600);
      write("-b", "newest-session", 5);
      write("-a", "older-session", 30);
      expect(findLatestSession({ env: {}, homeDirectory: home, since: Date.now() - 60_000 })).toBe(
        "newest-session",
      );
      expect(findLatestSession({ env: {}, homeDirectory: home, since: Date.now() + 1000 })).toBeUndefined();
      expect(
        findLatestSession({ env: { CLAUDE_CONFIG_DIR: join(home, "none") }, homeDirectory: home, since: 0 }),
      ).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
