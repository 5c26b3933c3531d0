/** A monotonically increasing count, one series per combination of label values. */
export interface MetricCounter<Label extends string> {
  inc(labels: Record<Label, string>, value?: number): void;
}

/** A value that goes up and down, without labels. */
export interface MetricGauge {
  inc(): void;
  dec(): void;
}

/** Observations counted into cumulative buckets, with their sum and count, per combination of labels. */
export interface MetricHistogram<Label extends string> {
  observe(labels: Record<Label, string>, value: number): void;
}

interface Definition<Label extends string> {
  name: string;
  help: string;
  labelNames: readonly Label[];
}

/** A set of metrics rendered together in the Prometheus text exposition format. */
export interface MetricRegistry {
  counter<Label extends string>(definition: Definition<Label>): MetricCounter<Label>;
  gauge(definition: { name: string; help: string }): MetricGauge;
  histogram<Label extends string>(
    definition: Definition<Label> & { buckets: readonly number[] },
  ): MetricHistogram<Label>;
  /** Every metric in registration order, each with its `# HELP` and `# TYPE` lines. */
  render(): string;
}

/** The `content-type` of {@link MetricRegistry.render}'s text (exposition format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * A small writer of the Prometheus text format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): counters,
 * an unlabelled gauge and histograms, enough for the proxy's own series. It has no global
 * state and no dependency, so metrics work on every host the fetch handler runs on. Label
 * values are escaped (`\`, `"`, newline), as are help texts (`\`, newline).
 *
 * @example
 * const registry = createMetricRegistry();
 * const requests = registry.counter({ name: "requests_total", help: "Requests.", labelNames: ["route"] });
 * requests.inc({ route: "/v1/messages" });
 * registry.render(); // "# HELP requests_total Requests.\n# TYPE requests_total counter\nrequests_total{route=\"/v1/messages\"} 1\n"
 */
export function createMetricRegistry(): MetricRegistry {
  const renderers: (() => string)[] = [];

  const header = (name: string, help: string, type: string) =>
    `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;

  return {
    counter<Label extends string>({ name, help, labelNames }: Definition<Label>) {
      const series = new Map<string, { labels: string; value: number }>();
      renderers.push(() => {
        let text = header(name, help, "counter");
        if (labelNames.length === 0 && series.size === 0) text += `${name} 0\n`;
        for (const { labels, value } of series.values()) text += `${name}${labels} ${formatValue(value)}\n`;
        return text;
      });
      const counter: MetricCounter<Label> = {
        inc(labels, value = 1) {
          const key = seriesKey(labelNames, labels);
          const entry = series.get(key);
          if (entry === undefined) series.set(key, { labels: formatLabels(labelNames, labels), value });
          else entry.value += value;
        },
      };
      return counter;
    },

    gauge({ name, help }) {
      let value = 0;
      renderers.push(() => `${header(name, help, "gauge")}${name} ${formatValue(value)}\n`);
      return {
        inc: () => {
          value++;
        },
        dec: () => {
          value--;
        },
      };
    },

    histogram<Label extends string>({
      name,
      help,
      labelNames,
      buckets,
    }: Definition<Label> & { buckets: readonly number[] }) {
      const bounds = [...buckets].sort((left, right) => left - right);
      const series = new Map<
        string,
        { labels: Record<Label, string>; counts: number[]; sum: number; count: number }
      >();
      renderers.push(() => {
        let text = header(name, help, "histogram");
        for (const entry of series.values()) {
          // Counts are kept per bucket and summed here: the format's buckets are cumulative.
          let cumulative = 0;
          for (const [index, bound] of bounds.entries()) {
            cumulative += entry.counts[index]!;
            text += `${name}_bucket${formatLabels(labelNames, entry.labels, formatValue(bound))} ${cumulative}\n`;
          }
          text += `${name}_bucket${formatLabels(labelNames, entry.labels, "+Inf")} ${entry.count}\n`;
          text += `${name}_sum${formatLabels(labelNames, entry.labels)} ${formatValue(entry.sum)}\n`;
          text += `${name}_count${formatLabels(labelNames, entry.labels)} ${entry.count}\n`;
        }
        return text;
      });
      const histogram: MetricHistogram<Label> = {
        observe(labels, value) {
          const key = seriesKey(labelNames, labels);
          let entry = series.get(key);
          if (entry === undefined) {
            entry = { labels: { ...labels }, counts: bounds.map(() => 0), sum: 0, count: 0 };
            series.set(key, entry);
          }
          const index = bounds.findIndex((bound) => value <= bound);
          if (index >= 0) entry.counts[index]!++;
          entry.sum += value;
          entry.count++;
        },
      };
      return histogram;
    },

    render: () => renderers.map((render) => render()).join("\n"),
  };
}

function seriesKey<Label extends string>(
  labelNames: readonly Label[],
  labels: Record<Label, string>,
): string {
  return labelNames.map((label) => labels[label]).join("\u0000");
}

/** `{a="1",b="2"}`, with `le` first for a histogram bucket; empty for a series without labels. */
function formatLabels<Label extends string>(
  labelNames: readonly Label[],
  labels: Record<Label, string>,
  le?: string,
): string {
  const pairs = labelNames.map((label) => `${label}="${escapeLabelValue(labels[label])}"`);
  if (le !== undefined) pairs.unshift(`le="${le}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}
