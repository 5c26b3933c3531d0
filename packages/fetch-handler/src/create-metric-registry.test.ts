import { describe, expect, it } from "vitest";
import { createMetricRegistry } from "./create-metric-registry.js";

/** One sample line of the text format: a metric name, optional labels with escaped values, a number. */
const SAMPLE_LINE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,(?=[a-zA-Z_]))?)*\})? (?:[+-]?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|Inf)|NaN)$/;

describe("createMetricRegistry", () => {
  it("writes counters, a gauge and histograms in the Prometheus text format", () => {
    const registry = createMetricRegistry();
    const requests = registry.counter({ name: "requests_total", help: "Requests.", labelNames: ["route"] });
    const open = registry.gauge({ name: "open_streams", help: "Open streams." });
    const latency = registry.histogram({
      name: "latency_seconds",
      help: "Latency.",
      labelNames: ["route"],
      buckets: [1, 0.5],
    });
    requests.inc({ route: "/a" });
    requests.inc({ route: "/a" }, 2);
    requests.inc({ route: "/b" });
    open.inc();
    open.inc();
    open.dec();
    latency.observe({ route: "/a" }, 0.2);
    latency.observe({ route: "/a" }, 0.7);
    latency.observe({ route: "/a" }, 3);

    expect(registry.render()).toBe(
      [
        "# HELP requests_total Requests.",
        "# TYPE requests_total counter",
        'requests_total{route="/a"} 3',
        'requests_total{route="/b"} 1',
        "",
        "# HELP open_streams Open streams.",
        "# TYPE open_streams gauge",
        "open_streams 1",
        "",
        "# HELP latency_seconds Latency.",
        "# TYPE latency_seconds histogram",
        // Buckets sorted and cumulative, `le` first, then `+Inf`, sum and count.
        'latency_seconds_bucket{le="0.5",route="/a"} 1',
        'latency_seconds_bucket{le="1",route="/a"} 2',
        'latency_seconds_bucket{le="+Inf",route="/a"} 3',
        'latency_seconds_sum{route="/a"} 3.9',
        'latency_seconds_count{route="/a"} 3',
        "",
      ].join("\n"),
    );
  });

  it("lists a labelled metric with no samples by its HELP and TYPE lines, and an unlabelled one at 0", () => {
    const registry = createMetricRegistry();
    registry.counter({ name: "errors_total", help: "Errors.", labelNames: ["status"] });
    registry.counter({ name: "scrapes_total", help: "Scrapes.", labelNames: [] });
    expect(registry.render()).toBe(
      "# HELP errors_total Errors.\n# TYPE errors_total counter\n\n# HELP scrapes_total Scrapes.\n# TYPE scrapes_total counter\nscrapes_total 0\n",
    );
  });

  it("escapes label values and help texts, so no value can forge a line", () => {
    const registry = createMetricRegistry();
    const counter = registry.counter({
      name: "odd_total",
      help: "A help text with a \\ backslash\nand a second line.",
      labelNames: ["value"],
    });
    const forged = 'x"} 999\nforged_total{a="b';
    counter.inc({ value: forged });
    counter.inc({ value: "C:\\path" });
    const page = registry.render();
    expect(page).toContain("# HELP odd_total A help text with a \\\\ backslash\\nand a second line.\n");
    expect(page).toContain('odd_total{value="x\\"} 999\\nforged_total{a=\\"b"} 1\n');
    expect(page).toContain('odd_total{value="C:\\\\path"} 1\n');
    expect(page.split("\n").some((line) => line.startsWith("forged_total"))).toBe(false);
    for (const line of page.split("\n")) {
      if (line === "" || line.startsWith("# ")) continue;
      expect(line).toMatch(SAMPLE_LINE);
    }
  });

  it("keeps series of different label values apart and sums the same ones", () => {
    const registry = createMetricRegistry();
    const tokens = registry.counter({ name: "tokens_total", help: "Tokens.", labelNames: ["model", "type"] });
    tokens.inc({ model: "a", type: "input" }, 5);
    tokens.inc({ type: "input", model: "a" }, 5);
    tokens.inc({ model: "a", type: "output" }, 1);
    const page = registry.render();
    expect(page).toContain('tokens_total{model="a",type="input"} 10\n');
    expect(page).toContain('tokens_total{model="a",type="output"} 1\n');
  });
});
