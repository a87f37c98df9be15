/**
 * A small Prometheus registry (counters, gauges, histograms with labels) rendered in the text
 * exposition format, so every service's /metrics reads the same.
 */

type Labels = Record<string, string>;

interface Metric {
  render(): string;
}

function labelKey(labels: Labels): string {
  // Most observations have no labels: no entries array for them (the worker makes several a job).
  let empty = true;
  for (const _ in labels) {
    empty = false;
    break;
  }
  if (empty) return "";
  const entries = Object.entries(labels);
  return `{${
    entries.map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`)}"`)
      .join(",")
  }}`;
}

/** Values by label set: what counters and gauges share. */
abstract class LabelledValues implements Metric {
  protected values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  /** The Prometheus type, and whether an unlabelled 0 is rendered before the first change. */
  protected abstract readonly type: "counter" | "gauge";
  protected abstract readonly zeroWhenEmpty: boolean;
  /** The current value for `labels` (for tests and logs). */
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  /** The sum over every label set (e.g. for the console summary, or lag over all partitions). */
  total(): number {
    let sum = 0;
    for (const v of this.values.values()) sum += v;
    return sum;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    if (this.values.size === 0 && this.zeroWhenEmpty) lines.push(`${this.name} 0`);
    for (const [key, v] of this.values) lines.push(`${this.name}${key} ${v}`);
    return lines.join("\n");
  }
}

/** A monotonically increasing count. */
export class Counter extends LabelledValues {
  protected readonly type = "counter";
  protected readonly zeroWhenEmpty = true;
  /** Adds `by` (default 1). */
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

/** A value that goes up and down; `collect` (optional) refreshes it at scrape time. */
export class Gauge extends LabelledValues {
  protected readonly type = "gauge";
  protected readonly zeroWhenEmpty = false;
  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }
}

/** Default histogram buckets, in seconds: 1 ms … 60 s. */
export const SECONDS_BUCKETS = [
  0.001,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
];

/** Observations counted into cumulative buckets. */
export class Histogram implements Metric {
  #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets = SECONDS_BUCKETS) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 });
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  /** Observation count for `labels`. */
  count(labels: Labels = {}): number {
    return this.#series.get(labelKey(labels))?.count ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.#series) {
      const inner = key.slice(1, -1);
      const le = (b: string) => `{${inner ? `${inner},` : ""}le="${b}"}`;
      this.buckets.forEach((b, i) =>
        lines.push(`${this.name}_bucket${le(String(b))} ${s.counts[i]}`)
      );
      lines.push(`${this.name}_bucket${le("+Inf")} ${s.count}`);
      lines.push(`${this.name}_sum${key} ${s.sum}`, `${this.name}_count${key} ${s.count}`);
    }
    return lines.join("\n");
  }
}

/** A set of metrics rendered together; `collectors` run before each render (e.g. read XLEN). */
export class MetricsRegistry {
  #metrics: Metric[] = [];
  #collectors: (() => Promise<void> | void)[] = [];
  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.#add(new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets?: number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }
  /** Registers a function run before each scrape. */
  onCollect(collect: () => Promise<void> | void): void {
    this.#collectors.push(collect);
  }
  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    await Promise.allSettled(this.#collectors.map((c) => c()));
    return this.#metrics.map((m) => m.render()).join("\n") + "\n";
  }
  #add<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
}

/** Content type of the exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Serves GET /metrics, GET /healthz (liveness: always answers) and GET /readyz on `port` until
 * `signal` aborts. `missing` (default: nothing) names what the service still waits for; /readyz
 * answers 503 listing it, or 200.
 */
export function serveMetrics(
  registry: MetricsRegistry,
  port: number,
  signal: AbortSignal,
  missing: () => string[] = () => [],
): Deno.HttpServer {
  return Deno.serve({ port, hostname: "0.0.0.0", signal, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/metrics") {
      return new Response(await registry.render(), {
        headers: { "content-type": METRICS_CONTENT_TYPE },
      });
    }
    if (path === "/healthz") return Response.json({ status: "ok" });
    if (path === "/readyz") {
      const waitingFor = missing();
      return waitingFor.length === 0
        ? Response.json({ status: "ready" })
        : Response.json({ status: "not ready", missing: waitingFor }, { status: 503 });
    }
    return new Response("Not found\n", { status: 404 });
  });
}
