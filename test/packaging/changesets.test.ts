import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Releases are cut with `changeset version`, which reads every file of .changeset/. A file it
// cannot read (a formatter once turned a one-package front matter into a Markdown heading) or a
// config it cannot apply (a fixed group that caught the private example packages, which have no
// version) fails the release, not any earlier step; this test fails first.

const root = fileURLToPath(new URL("../..", import.meta.url));
const changesetDirectory = join(root, ".changeset");
const publicPackages = readdirSync(join(root, "packages")).map(
  (folder) =>
    (JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8")) as { name: string })
      .name,
);

describe("changesets", () => {
  const files = readdirSync(changesetDirectory).filter(
    (name) => name.endsWith(".md") && name !== "README.md",
  );

  it.each(files)("%s names released packages in its front matter", (name) => {
    const text = readFileSync(join(changesetDirectory, name), "utf8");
    const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(text);
    expect(frontMatter, "front matter between two --- lines").not.toBeNull();
    const entries = frontMatter![1]!.split("\n").filter((line) => line.trim() !== "");
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const match = /^"(.+)": (major|minor|patch)$/.exec(entry.trim());
      expect(match, entry).not.toBeNull();
      expect(publicPackages).toContain(match![1]);
    }
  });

  it("groups only released packages, each with a version (a private one without would stop `changeset version`)", () => {
    const config = JSON.parse(readFileSync(join(changesetDirectory, "config.json"), "utf8")) as {
      fixed: string[][];
      linked: string[][];
    };
    for (const name of [...config.fixed.flat(), ...config.linked.flat()]) {
      expect(name).not.toContain("*");
      expect(publicPackages).toContain(name);
    }
    for (const folder of readdirSync(join(root, "packages"))) {
      const manifest = JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8"));
      expect(typeof manifest.version, folder).toBe("string");
    }
  });
});
