/** latest.json's shape and its markdown table (target, measured, pass/miss, and the machine). */
import type { Machine } from "./machine.ts";
import type { ThroughputRun } from "./throughput.ts";
import type { LatencyResult, StatementCount } from "./latency.ts";
import type { WorkersResult } from "./workers.ts";
import type { MemoryResult } from "./memory.ts";
import type { BacktestBench } from "./backtest.ts";
import type { KafkaClientResult } from "./kafka_client.ts";
import type { ScannerBench } from "./scanners.ts";

/** Everything a bench run writes to latest.json (sections not run keep their last values). */
export interface BenchResults {
  generated_at: string;
  command: string;
  machine: Machine;
  /** Dispatcher settings that differ from the config defaults (none: the defaults). */
  dispatcher_env?: Record<string, string>;
  dispatcher?: {
    signals_per_s: number;
    runs: ThroughputRun[];
    with_workers?: ThroughputRun;
  };
  latency?: LatencyResult["latency"];
  latency_started?: LatencyResult["latency_started"];
  latency_achieved_rate?: LatencyResult["achieved_rate"];
  db?: {
    statements_per_s: Record<string, number>;
    statements_per_batch: Record<string, number>;
    detail: Record<string, StatementCount>;
  };
  workers?: WorkersResult;
  memory?: MemoryResult;
  backtest?: BacktestBench;
  /** The dispatcher's consume path, kafkajs against @platformatic/kafka. */
  kafka_client?: KafkaClientResult;
  /** A user expression scanner's cost per live bar, whole window against last bar only. */
  scanners?: ScannerBench;
}

interface Target {
  name: string;
  target: string;
  measured: number | undefined;
  unit: string;
  pass: (v: number) => boolean;
}

const fmt = (v: number) => v.toLocaleString("en-US", { maximumFractionDigits: 1 });

/** The issue's targets against `r`. */
export function targets(r: Partial<BenchResults>): Target[] {
  return [
    {
      name: "Dispatcher throughput (10 000 pipelines, 1 000 tickers)",
      target: "≥ 50 000 signals/s (issue 13)",
      measured: r.dispatcher?.signals_per_s,
      unit: "signals/s",
      pass: (v) => v >= 50_000,
    },
    {
      name: "p99 signal → job enqueued at 10 000/s",
      target: "≤ 100 ms",
      measured: r.latency?.["10000"]?.p99_ms,
      unit: "ms",
      pass: (v) => v <= 100,
    },
    {
      name: "p99 signal → job enqueued at 100/s",
      target: "≤ 50 ms",
      measured: r.latency?.["100"]?.p99_ms,
      unit: "ms",
      pass: (v) => v <= 50,
    },
    {
      name: "DB statements/s at 10 000 signals/s",
      target: "≤ 30 /s",
      measured: r.db?.statements_per_s["10000"],
      unit: "/s",
      pass: (v) => v <= 30,
    },
    {
      name: "p99 signal → execution started at 10 000/s (1 dispatcher, 1 worker process)",
      target: "≤ 150 ms, no backlog",
      measured: r.latency_started?.["10000"]?.p99_ms,
      unit: `ms, backlog ${r.latency_started?.["10000"]?.backlog ?? "?"} at the end`,
      pass: (v) => v <= 150 && r.latency_started?.["10000"]?.holds !== false,
    },
    {
      name: "Workers, no-op jobs/s: ours ÷ BullMQ (in-process worker)",
      target: "≥ 1.0× (aim 2×)",
      measured: r.workers?.ratio,
      unit: "×",
      pass: (v) => v >= 1,
    },
    {
      name: "Workers: 1 worker process ÷ BullMQ",
      target: "≥ 1.0× (aim 2×)",
      measured: r.workers?.processes?.["1"]?.ratio,
      unit: "×",
      pass: (v) => v >= 1,
    },
    {
      name: "Dispatcher peak RSS with 100 000 cached pipelines, burst",
      target: "≤ 300 MB (aim 200; issue 13)",
      measured: r.memory?.dispatcher_peak_rss_mb,
      unit: "MB",
      pass: (v) => v <= 300,
    },
    {
      name: "Backtest, 20 years of daily bars × 100 tickers (wall clock)",
      target: "< 10 s",
      measured: r.backtest?.seconds,
      unit: `s (CPU ${r.backtest?.cpu_seconds} s)`,
      pass: (v) => v < 10,
    },
  ];
}

/** The markdown of latest.md. */
export function renderReport(r: BenchResults): string {
  const lines = [
    "# Tickwire benchmark results",
    "",
    `Generated ${r.generated_at} by \`${r.command}\`; dispatcher settings: ${
      Object.entries(r.dispatcher_env ?? {}).map(([k, v]) => `${k}=${v}`).join(", ") ||
      "the config defaults"
    }.`,
    "",
    "| target | required | measured | |",
    "| --- | --- | --- | --- |",
    ...targets(r).map((t) =>
      t.measured === undefined || Number.isNaN(t.measured)
        ? `| ${t.name} | ${t.target} | not run | |`
        : `| ${t.name} | ${t.target} | ${fmt(t.measured)} ${t.unit} | ${
          t.pass(t.measured) ? "pass" : "**miss**"
        } |`
    ),
  ];
  if (r.latency || r.latency_started || r.db) {
    lines.push(
      "",
      "## Latency and database statements by paced rate",
      "",
      "| rate (achieved) | → enqueued p50 / p95 / p99 | → started p50 / p95 / p99 | " +
        "DB statements/s | per batch | dispatcher-counted |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    const rates = Object.keys(r.latency ?? r.latency_started ?? {}).sort((a, b) => +a - +b);
    for (const rate of rates) {
      const e = r.latency?.[rate];
      const s = r.latency_started?.[rate];
      const d = r.db?.detail[rate];
      const triple = (x?: { p50_ms: number; p95_ms: number; p99_ms: number }) =>
        x ? `${fmt(x.p50_ms)} / ${fmt(x.p95_ms)} / ${fmt(x.p99_ms)} ms` : "–";
      lines.push(
        `| ${fmt(+rate)}/s (${fmt(r.latency_achieved_rate?.[rate] ?? NaN)}) | ${triple(e)} | ${
          triple(s)
        }${s?.unstarted ? ` (${s.unstarted} not started)` : ""}${
          s?.backlog !== undefined ? `, backlog ${fmt(s.backlog)} after ${s.seconds} s` : ""
        } | ${d ? fmt(d.statements_per_s) : "–"} | ${d ? fmt(d.statements_per_batch) : "–"} | ${
          d ? fmt(d.dispatcher_counted) : "–"
        } |`,
      );
    }
  }
  if (r.dispatcher) {
    lines.push(
      "",
      "## Dispatcher throughput runs",
      "",
      "| scenario | signals | seconds | signals/s | jobs enqueued | batches | signals/batch | ms/batch |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...[...r.dispatcher.runs, ...(r.dispatcher.with_workers ? [r.dispatcher.with_workers] : [])]
        .map((t) =>
          `| ${t.scenario} | ${fmt(t.signals)} | ${t.seconds} | ${fmt(t.signals_per_s)} | ${
            fmt(t.jobs_enqueued)
          } | ${fmt(t.batches)} | ${fmt(t.mean_batch_signals)} | ${t.mean_batch_ms} |`
        ),
    );
  }
  if (r.workers) {
    const w = r.workers;
    lines.push(
      "",
      `## Workers (${
        fmt(w.jobs)
      } no-op jobs, concurrency ${w.concurrency}, BullMQ ${w.bullmq_version})`,
      "",
      `Median jobs/s: ours ${fmt(w.ours_jobs_per_s)}, BullMQ ${fmt(w.bullmq_jobs_per_s)} ` +
        `(runs: ours ${w.runs.ours.join(", ")}; BullMQ ${w.runs.bullmq.join(", ")}).`,
      ...Object.entries(w.processes ?? {}).map(([n, p]) =>
        `${n} worker process${n === "1" ? "" : "es"}: ${fmt(p.jobs_per_s)} jobs/s, ` +
        `${p.ratio}× BullMQ (runs ${p.runs.join(", ")}).`
      ),
    );
  }
  const e2e = Object.entries(r.latency_started ?? {}).filter(([, s]) => s.cpu_us_per_signal);
  for (const [rate, s] of e2e) {
    lines.push(
      "",
      `## End to end at ${fmt(+rate)} signals/s for ${s.seconds} s (1 dispatcher, 1 worker; ` +
        `achieved ${fmt(s.achieved_rate ?? NaN)}/s)`,
      "",
      `Signal → started p50 / p95 / p99: ${fmt(s.p50_ms)} / ${fmt(s.p95_ms)} / ${
        fmt(s.p99_ms)
      } ms; backlog every 5 s: ${
        (s.backlog_samples ?? []).map(([t, b]) => `${t} s ${fmt(b)}`).join(", ")
      }; at the end ${fmt(s.backlog ?? NaN)} (${s.holds ? "holds" : "does not hold"}).`,
      `CPU over the run, % of one core (${s.cpu!.cores} cores, machine ${
        s.cpu!.machine_busy_pct
      }% busy): ${
        Object.entries(s.cpu!.by_process).map(([name, pct]) => `${name} ${pct}%`).join(", ")
      }.`,
      `CPU µs per signal: ${
        Object.entries(s.cpu_us_per_signal!).map(([name, us]) => `${name} ${us}`).join(", ")
      }; the ${s.cpu!.cores} cores could carry at most ~${
        fmt(s.cpu_bound_rate ?? NaN)
      } signals/s with the whole machine to the system (the bench and other load excluded).`,
    );
  }
  if (r.kafka_client) {
    const k = r.kafka_client;
    const client = (name: string, c: typeof k.kafkajs) =>
      `| ${name} ${c.version} | ${fmt(c.messages_per_s)} | ${c.cpu_us_per_message} | ${
        c.runs.map((x) => fmt(x.messages_per_s)).join(", ")
      } |`;
    lines.push(
      "",
      `## Kafka clients: the dispatcher's consume path (${fmt(k.messages)} messages, ` +
        `${k.partitions} partitions, fetch + decode, no Postgres)`,
      "",
      "| client | messages/s (median) | CPU µs/message | runs |",
      "| --- | --- | --- | --- |",
      client("kafkajs", k.kafkajs),
      client("@platformatic/kafka", k.platformatic),
      "",
      `@platformatic/kafka ÷ kafkajs: ${k.ratio}×.`,
    );
  }
  if (r.scanners) {
    const s = r.scanners;
    lines.push(
      "",
      `## User expression scanners: µs per live bar of one ticker (${s.window_bars}-bar window, ` +
        `median of ${s.runs} rounds)`,
      "",
      "| expression | cost/bar | whole window | last bar only | × |",
      "| --- | --- | --- | --- | --- |",
      ...s.expressions.map((e) =>
        `| \`${e.expression}\` | ${e.cost} | ${fmt(e.whole_window_us)} | ${
          fmt(e.last_bar_us)
        } | ${e.speedup} |`
      ),
      "",
      `One user at the caps (every scanner the costliest, on every ticker): ${
        fmt(s.user_at_caps_ms.whole_window)
      } ms per live day over the whole window, ${
        fmt(s.user_at_caps_ms.last_bar)
      } ms last bar only.`,
    );
  }
  if (r.memory) {
    const m = r.memory;
    lines.push(
      "",
      `## Memory (${fmt(m.pipelines)} pipelines)`,
      "",
      `Dispatcher RSS ${fmt(m.dispatcher_rss_mb)} MB after ${fmt(m.burst_signals)} signals ` +
        `(idle after the load ${fmt(m.dispatcher_rss_idle_mb)} MB, peak ${
          fmt(m.dispatcher_peak_rss_mb)
        } MB).`,
    );
  }
  const m = r.machine;
  lines.push(
    "",
    "## Machine",
    "",
    `${m.cpus} CPUs (${m.cpu_model}), ${m.memory_gb} GB RAM, ${m.os}; Deno ${m.deno}, ` +
      `PostgreSQL ${m.postgres}, Redis ${m.redis}, Kafka ${m.kafka} (KRaft, one broker); ` +
      "all on this machine with the bench.",
    "",
  );
  return lines.join("\n");
}
