/**
 * Merges `env` into the `env` block of a Claude Code `settings.json` text, keeping every other
 * setting and every other variable as it was, except those `remove` picks (variables an older
 * setup wrote that now do harm). `undefined` text means no file yet.
 *
 * @throws Error when the existing text is not a JSON object: a file the user wrote by hand
 * is never overwritten with a guess.
 */
export function mergeClaudeSettings(
  existingText: string | undefined,
  env: Readonly<Record<string, string>>,
  remove: (name: string, value: unknown) => boolean = () => false,
): string {
  let settings: Record<string, unknown> = {};
  if (existingText !== undefined && existingText.trim() !== "") {
    const parsed = JSON.parse(existingText) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error("settings.json does not hold a JSON object");
    }
    settings = parsed as Record<string, unknown>;
  }
  const existingEnv =
    settings.env !== null && typeof settings.env === "object" && !Array.isArray(settings.env)
      ? (settings.env as Record<string, unknown>)
      : {};
  const keptEnv = Object.fromEntries(
    Object.entries(existingEnv).filter(([name, value]) => !remove(name, value)),
  );
  return `${JSON.stringify({ ...settings, env: { ...keptEnv, ...env } }, null, 2)}\n`;
}
