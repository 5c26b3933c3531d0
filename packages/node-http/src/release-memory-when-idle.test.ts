import { createServer, type RequestListener, type Server } from "node:http";
import { describe, expect, it } from "vitest";
import { type IdleMemoryRelease, releaseMemoryWhenIdle } from "./release-memory-when-idle.js";
import { useTestServers } from "./test-utils/use-test-servers.js";

const MiB = 1024 * 1024;
const { listen: listenForTest } = useTestServers();

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  return { server, url: `${await listenForTest(server)}/` };
}

/**
 * What a burst of streams leaves behind: a few hundred MB of short-lived objects, enough of
 * them alive at once to reach V8's old generation and make it grow, then all garbage.
 */
async function churn(megabytes: number): Promise<void> {
  const slots: unknown[] = new Array(400);
  for (let allocated = 0; allocated < megabytes; allocated += 4) {
    for (let index = 0; index < 8; index++) {
      slots[Math.floor(Math.random() * slots.length)] = Array.from({ length: 5000 }, (_, item) => ({ item }));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe("releaseMemoryWhenIdle", () => {
  it("gives the pages a burst left behind back to the OS once the server is idle", async () => {
    const releases: IdleMemoryRelease[] = [];
    const { server, url } = await listen(async (_incoming, outgoing) => {
      await churn(600);
      outgoing.end("done");
    });
    releaseMemoryWhenIdle(server, {
      idleMs: 200,
      minGrowthBytes: 0,
      onRelease: (release) => releases.push(release),
    });

    expect(await (await fetch(url)).text()).toBe("done");
    await expect.poll(() => releases.length, { timeout: 10_000, interval: 50 }).toBe(1);
    const [release] = releases;
    // A plain full GC frees the objects but V8 pools their pages: resident memory barely moves.
    expect(release!.rssBeforeBytes - release!.rssAfterBytes).toBeGreaterThan(100 * MiB);
  });

  it("waits while a request is in flight, and for idleMs after the last one ends", async () => {
    const releases: number[] = [];
    let finish: () => void = () => {};
    const { server, url } = await listen(async (_incoming, outgoing) => {
      await churn(64);
      finish = () => outgoing.end("done");
    });
    releaseMemoryWhenIdle(server, {
      idleMs: 300,
      minGrowthBytes: Number.NEGATIVE_INFINITY,
      onRelease: () => releases.push(performance.now()),
    });

    const response = fetch(url);
    await sleep(900);
    expect(releases).toEqual([]);
    const endedAt = performance.now();
    finish();
    await (await response).text();
    await expect.poll(() => releases.length, { timeout: 5000, interval: 20 }).toBe(1);
    expect(releases[0]! - endedAt).toBeGreaterThanOrEqual(290);
  });

  it("restarts the idle wait when a request comes and goes while it runs", async () => {
    const releases: number[] = [];
    const { server, url } = await listen((_incoming, outgoing) => outgoing.end("ok"));
    releaseMemoryWhenIdle(server, {
      idleMs: 400,
      minGrowthBytes: Number.NEGATIVE_INFINITY,
      onRelease: () => releases.push(performance.now()),
    });

    await (await fetch(url)).text();
    await sleep(250);
    const lastEndedAt = performance.now();
    await (await fetch(url)).text();
    await expect.poll(() => releases.length, { timeout: 5000, interval: 20 }).toBe(1);
    expect(releases[0]! - lastEndedAt).toBeGreaterThanOrEqual(390);
  });

  it("leaves a server that did not grow alone, and stops when told to", async () => {
    const releases: IdleMemoryRelease[] = [];
    const onRelease = (release: IdleMemoryRelease) => releases.push(release);
    const quiet = await listen((_incoming, outgoing) => outgoing.end("ok"));
    releaseMemoryWhenIdle(quiet.server, { idleMs: 50, minGrowthBytes: 1024 * MiB, onRelease });
    const stopped = await listen((_incoming, outgoing) => outgoing.end("ok"));
    const stop = releaseMemoryWhenIdle(stopped.server, {
      idleMs: 50,
      minGrowthBytes: Number.NEGATIVE_INFINITY,
      onRelease,
    });

    await (await fetch(quiet.url)).text();
    stop();
    await (await fetch(stopped.url)).text();
    await sleep(400);
    expect(releases).toEqual([]);
  });
});
