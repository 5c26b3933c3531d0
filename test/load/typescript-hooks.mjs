/**
 * Module hooks that let plain Node (24+, which strips TypeScript types itself) run the
 * workspace sources without a build: `@claude-gemini/*` resolves to `packages/<name>/src/index.ts`,
 * and a relative `./x.js` import from a `.ts` file falls back to `./x.ts`, as TypeScript's own
 * resolution does. Registered by the load scripts with `module.register`.
 */
const PACKAGES = new Set(["core", "fetch-handler", "node-http", "express", "cli"]);

export async function resolve(specifier, context, nextResolve) {
  const match = /^@claude-gemini\/([\w-]+)$/.exec(specifier);
  if (match && PACKAGES.has(match[1])) {
    return nextResolve(new URL(`../../packages/${match[1]}/src/index.ts`, import.meta.url).href, context);
  }
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const fromTypeScript = context.parentURL?.endsWith(".ts") ?? false;
    if (fromTypeScript && specifier.startsWith(".") && specifier.endsWith(".js")) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}
