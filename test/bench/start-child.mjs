import { fork } from "node:child_process";

/**
 * Forks a bench child (`serve-*.mjs`) and resolves once it reports `{ type: "ready", url }`.
 * `request(message)` sends an IPC message (with an `id`) and resolves with the reply of the same
 * type and id (a child that echoes no id: the next reply of the type);
 * `stop()` asks the child to exit and waits for it (killing it after 5 s).
 *
 * @param {string} script path of the child module
 * @param {{ args?: string[], execArgv?: string[] }} [options]
 */
export async function startChild(script, options = {}) {
  let lastRequestId = 0;
  const child = fork(script, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = await new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type === "ready") {
        child.off("message", onMessage);
        resolve(message.url);
      }
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return {
    url,
    child,
    /** @param {{ type: string } & Record<string, unknown>} message */
    request(message) {
      // Replies carry the id of their request: under load, a late answer to an earlier
      // request (the memory sampler's) must not be taken for this one's.
      const id = ++lastRequestId;
      return new Promise((resolve) => {
        const onMessage = (reply) => {
          if (reply?.type !== message.type || (reply.id !== undefined && reply.id !== id)) return;
          child.off("message", onMessage);
          resolve(reply);
        };
        child.on("message", onMessage);
        child.send({ ...message, id });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
