/**
 * The README's configuration table, generated from shared/config.ts: every variable, its
 * default, what it accepts (read from the zod schema) and what it means (the key's JSDoc in
 * config.ts, else {@linkcode MEANINGS}). `deno run -A stack/config_table.ts --write` refreshes
 * README.md between its config-table markers; stack/config_table_test.ts fails when it is stale.
 */
import { envSchema } from "../shared/config.ts";

type Key = keyof typeof envSchema.shape;

/** Meanings of the variables whose key in config.ts has no JSDoc. */
const MEANINGS: Partial<Record<Key, string>> = {
  DATABASE_URL: "Postgres URL; when set, the POSTGRES_* variables are ignored",
  POSTGRES_HOST: "Postgres host (when DATABASE_URL is unset)",
  POSTGRES_PORT: "Postgres port",
  POSTGRES_USER: "Postgres user",
  POSTGRES_PASSWORD: "Postgres password",
  POSTGRES_DB: "Postgres database",
  DATABASE_POOL_SIZE:
    "Postgres connections per process (a worker keeps one for its start and outcome rounds)",
  REDIS_URL: "Redis server (jobs stream, retries, counters)",
  KAFKA_BOOTSTRAP_SERVERS:
    "Kafka brokers; `stack up` starts a local broker at the first one when it is on this host",
  KAFKA_SIGNAL_TOPIC: "Topic the signal generator publishes to and the dispatcher consumes",
  KAFKA_DEAD_LETTER_TOPIC: "Topic for signals that cannot be parsed",
  KAFKA_BAR_TOPIC:
    "Topic the signal generator publishes each daily bar to; the paper ledger consumes it",
  KAFKA_BAR_CONSUMER_GROUP: "Consumer group of the paper ledger on the bar topic",
  KAFKA_CONSUMER_GROUP: "Consumer group of the dispatchers",
  KAFKA_TOPIC_PARTITIONS: "Partitions of the topics `stack up` creates",
  BATCH_SIZE: "The dispatcher handles a batch once it holds this many signals…",
  BATCH_TIMEOUT_SECONDS: "…or once its first signal waited this long",
  BATCH_MAX_SIZE: "Most signals in one claim; the consumer pauses while this many are buffered",
  BATCH_MAX_FLUSHES_PER_SECOND:
    "Claims per second the dispatcher starts at most; a signal waits only for the next slot (0: the seed's BATCH_SIZE/BATCH_TIMEOUT rules)",
  CACHE_REFRESH_INTERVAL_SECONDS: "Full reload of the dispatcher's in-memory pipeline index",
  SWEEP_INTERVAL_SECONDS: "How often queued executions that never reached a worker are re-sent",
  SWEEP_MIN_AGE_SECONDS: "Age after which a queued execution counts as never sent",
  JOBS_STREAM_MAX_LENGTH: "Approximate cap on the length of the Redis jobs stream",
  SIGNAL_RETENTION_DAYS: "Days of signal log kept; older daily partitions are dropped hourly",
  API_PORT: "HTTP API port",
  API_MAX_TICKERS: "Most `scanner_tickers` one pipeline may have",
  API_MAX_BODY_BYTES: "Largest request body the API accepts",
  API_TOKEN_TTL_SECONDS: "Lifetime of an API token",
  API_ADMIN_EMAILS:
    "Comma-separated emails of users who see every dead letter (others see their own jobs')",
  API_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "Login attempts allowed per client address within the window",
  API_LOGIN_WINDOW_SECONDS: "Window of the login attempt limits",
  WORKER_CONCURRENCY: "Pipelines one worker process runs at once",
  WORKER_VISIBILITY_TIMEOUT_SECONDS:
    "A job unacknowledged this long is taken over by another worker",
  WORKER_HEARTBEAT_SECONDS: "How often a worker renews the jobs it runs",
  WORKER_SHUTDOWN_DEADLINE_SECONDS: "On SIGTERM, how long running pipelines may finish",
  WORKER_STEP_TIMEOUT_SECONDS: "Time limit of one pipeline step",
  WORKER_RETRY_BASE_SECONDS: "First retry delay of a failed execution (doubles each attempt)",
  WORKER_RETRY_MAX_SECONDS: "Longest retry delay",
  SCHEDULER_TICK_SECONDS: "How often the scheduler looks for due periodic pipelines",
  SIGNAL_SOURCE: "Where the signal generator's prices come from",
  SIGNAL_CSV_PATH: "CSV bars to replay when SIGNAL_SOURCE=csv",
  SIGNAL_PRICE_COLUMN: "CSV column used as the price",
  SIGNAL_INTERVAL_SECONDS:
    "Time between two scans of the market; `deno task start` uses 5 unless set",
  SIGNAL_TICKERS:
    "Tickers of the simulated market (comma-separated); a CSV source scans every ticker in its files",
  SIGNAL_SCANNERS: "Scanners run on each ticker (comma-separated)",
  SIGNAL_SEED: "Seed of the simulated market (same seed, same prices)",
  SIGNAL_BUFFER_MAX: "Signals kept in memory while Kafka is unreachable",
  METRICS_PORT_DISPATCHER: "Dispatcher's /metrics and /healthz",
  METRICS_PORT_WORKER: "Worker's /metrics and /healthz",
  METRICS_PORT_SCHEDULER: "Scheduler's /metrics and /healthz",
  METRICS_PORT_SIGNAL_GENERATOR: "Signal generator's /metrics and /healthz",
  METRICS_PORT_PAPER_LEDGER:
    "Paper ledger's /metrics and /healthz (bar consumer: exits and equity marks)",
  LOG_LEVEL: "Lowest level logged",
  LOG_FORMAT: "`auto`: one line per event on a terminal (`pretty`), JSON lines otherwise",
  TICKWIRE_DEMO: "`deno task start` creates a demo user and pipeline on first run",
};

/** The markdown table of every variable in `envSchema`; `configSource` is config.ts's text. */
export function configTable(configSource: string): string {
  const docs = jsDocByKey(configSource);
  const defaults = envSchema.parse({}) as Record<string, unknown>;
  const rows = (Object.keys(envSchema.shape) as Key[]).map((key) => {
    const value = defaults[key];
    const shown = value === undefined ? "" : `\`${value === "" ? '""' : String(value)}\``;
    const meaning = docs.get(key) ?? MEANINGS[key] ?? "";
    return `| \`${key}\` | ${shown} | ${accepts(key)} | ${meaning.replaceAll("|", "\\|")} |`;
  });
  return ["| Variable | Default | Accepts | Meaning |", "| --- | --- | --- | --- |", ...rows]
    .join("\n");
}

/** `readme` with the text between its config-table markers replaced by `table`. */
export function withConfigTable(readme: string, table: string): string {
  const start = "<!-- config-table:start -->";
  const end = "<!-- config-table:end -->";
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`Cannot find "${start}" … "${end}" in README.md`);
  return `${readme.slice(0, from + start.length)}\n\n${table}\n\n${readme.slice(to)}`;
}

/** What a variable accepts, read from its zod schema: enum values, number range or URL kind. */
function accepts(key: Key): string {
  // zod's public `def` is typed per schema kind; walking wrappers needs the loose shape.
  // deno-lint-ignore no-explicit-any
  let schema: any = envSchema.shape[key];
  while (schema.def.innerType || schema.def.type === "pipe") {
    schema = schema.def.innerType ?? schema.def.in;
  }
  if (schema.def.type === "enum") {
    const options = schema.options as string[];
    const bool = ["true", "false"].every((o) => options.includes(o));
    return (bool ? ["true", "false"] : options).map((o) => `\`${o}\``).join(", ");
  }
  if (schema.def.type === "number") {
    const min = schema.minValue as number | null;
    const max = schema.maxValue as number | null;
    const kind = schema.format === "safeint" ? "integer" : "number";
    const bounded = max !== null && Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER;
    if (min !== null && bounded) return `${kind} ${min}–${max}`;
    return min !== null ? `${kind} ≥ ${min}` : kind;
  }
  if (schema.def.format === "url") {
    return key.startsWith("REDIS") ? "redis:// URL" : "postgres:// URL";
  }
  return "text";
}

/** The one-line JSDoc directly above each `KEY:` in config.ts. */
function jsDocByKey(source: string): Map<string, string> {
  const docs = new Map<string, string>();
  for (const match of source.matchAll(/\/\*\*\s*([^*]*?)\s*\*\/\s*\n\s*([A-Z][A-Z0-9_]*):/g)) {
    docs.set(match[2]!, match[1]!.replace(/\s+/g, " ").replace(/\.$/, ""));
  }
  return docs;
}

if (import.meta.main) {
  const source = await Deno.readTextFile(new URL("../shared/config.ts", import.meta.url));
  const table = configTable(source);
  if (Deno.args.includes("--write")) {
    const readmeUrl = new URL("../README.md", import.meta.url);
    await Deno.writeTextFile(readmeUrl, withConfigTable(await Deno.readTextFile(readmeUrl), table));
    // deno fmt aligns the table's columns; the test compares tables without that padding.
    await new Deno.Command(Deno.execPath(), { args: ["fmt", readmeUrl.pathname] }).output();
  } else {
    console.log(table);
  }
}
