import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** What {@link findOnPath} looks at; tests replace every part. */
export interface FindOnPathOptions {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** True when the path is an executable file. */
  isExecutable?: (path: string) => boolean;
}

/**
 * The first executable called `name` in the directories of `PATH` (`name.cmd` and `name.exe`
 * too on Windows), as a shell would find it; undefined when there is none.
 */
export function findOnPath(name: string, options: FindOnPathOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const names = platform === "win32" ? [`${name}.cmd`, `${name}.exe`, name] : [name];
  const directories = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : delimiter);
  for (const directory of directories.filter((entry) => entry !== "")) {
    for (const candidate of names.map((file) => join(directory, file))) {
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
