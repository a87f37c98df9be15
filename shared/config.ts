/**
 * Every environment variable Tickwire reads, in one zod schema, parsed once per process by
 * `main.ts`. Names follow the seed design (KAFKA_*, BATCH_*, CACHE_*, POSTGRES_*) plus ours.
 */
import { z } from "./zod.ts";
import { parseCidr } from "./egress/address_class.ts";

// A schema-level `error` would also replace the range messages, so only a type problem gets it.
const number = () =>
  z.coerce.number({ error: (i) => i.code === "invalid_type" ? "must be a number" : undefined });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  number().int("must be a whole number").min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const seconds = (min: number) => number().min(min, `must be at least ${min}`);
const bool = z.enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
  .transform((v) => v === "true" || v === "1");
const port = int(0, 65535);

/** The schema of the whole environment; every key is optional and has its default here. */
export const envSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" })
    .optional(),
  POSTGRES_HOST: z.string().min(1).default("127.0.0.1"),
  POSTGRES_PORT: port.default(5432),
  POSTGRES_USER: z.string().min(1).default("root"),
  POSTGRES_PASSWORD: z.string().default(""),
  POSTGRES_DB: z.string().min(1).default("test"),
  DATABASE_POOL_SIZE: int(1, 200).default(10),

  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// URL" })
    .default("redis://127.0.0.1:6379"),
  /** Prefix of every Redis key, stream and channel (tests use a unique one). */
  REDIS_KEY_PREFIX: z.string().regex(/^[a-z0-9:_-]+$/i, "must be letters, digits, : _ -")
    .default("tickwire"),

  KAFKA_BOOTSTRAP_SERVERS: z.string().regex(
    /^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/,
    'must be "host:port[,host:port…]"',
  ).default("127.0.0.1:9092"),
  KAFKA_SIGNAL_TOPIC: z.string().min(1).default("trading-signals"),
  KAFKA_DEAD_LETTER_TOPIC: z.string().min(1).default("trading-signals-dlq"),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default("trigger-dispatcher"),
  KAFKA_TOPIC_PARTITIONS: int(1, 1000).default(6),
  KAFKA_BAR_TOPIC: z.string().min(1).default("market-bars"),
  KAFKA_BAR_CONSUMER_GROUP: z.string().min(1).default("paper-ledger"),

  BATCH_SIZE: int(1, 100_000).default(20),
  BATCH_TIMEOUT_SECONDS: seconds(0).default(0.5),
  BATCH_MAX_SIZE: int(1, 1_000_000).default(5000),
  /** Under load, claims per second the dispatcher aims not to exceed; 0 disables pacing. */
  BATCH_MAX_FLUSHES_PER_SECOND: seconds(0).default(30),
  CACHE_REFRESH_INTERVAL_SECONDS: seconds(1).default(30),
  SWEEP_INTERVAL_SECONDS: seconds(1).default(15),
  SWEEP_MIN_AGE_SECONDS: seconds(1).default(30),
  JOBS_STREAM_MAX_LENGTH: int(1000).default(1_000_000),
  /** Days of signal log kept (daily partitions; older ones are dropped hourly). */
  SIGNAL_RETENTION_DAYS: int(1, 3650).default(30),
  /** A dispatcher whose batch has not committed for this long reports not ready on /readyz. */
  DISPATCHER_STALL_SECONDS: seconds(1).default(60),

  API_PORT: port.default(8000),
  API_MAX_TICKERS: int(1, 100_000).default(500),
  API_MAX_BODY_BYTES: int(1024).default(256 * 1024),
  API_TOKEN_TTL_SECONDS: int(60).default(30 * 24 * 3600),
  /** Login attempts allowed per email, and per client address, within the window. */
  API_LOGIN_MAX_ATTEMPTS_PER_EMAIL: int(1).default(10),
  API_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: int(1).default(100),
  API_LOGIN_WINDOW_SECONDS: int(1).default(900),
  /** Behind one proxy: trust X-Forwarded-For, -Proto and -Host (client address, public origin) */
  API_TRUST_PROXY: bool.default(false),
  /** Users (comma-separated emails) who see every dead letter, not only their own jobs'. */
  API_ADMIN_EMAILS: z.string().default(""),
  /** How long /readyz waits for each of Postgres, Redis and Kafka. */
  API_READY_TIMEOUT_SECONDS: seconds(0.1).default(2),

  WORKER_CONCURRENCY: int(1, 1000).default(8),
  WORKER_VISIBILITY_TIMEOUT_SECONDS: seconds(1).default(60),
  WORKER_HEARTBEAT_SECONDS: seconds(0.1).default(10),
  WORKER_SHUTDOWN_DEADLINE_SECONDS: seconds(0).default(30),
  WORKER_STEP_TIMEOUT_SECONDS: seconds(0.1).default(30),
  WORKER_RETRY_BASE_SECONDS: seconds(0).default(1),
  WORKER_RETRY_MAX_SECONDS: seconds(0).default(300),

  /**
   * Comma-separated networks (CIDRs or single addresses, e.g. `127.0.0.1/32,10.0.0.0/8`) that
   * the webhook and notify agents may call although they are loopback, private, link-local or
   * otherwise special; by default every such address is refused.
   */
  EGRESS_ALLOWED_NETWORKS: z.string().default("").refine(
    (value) => splitList(value).every((entry) => parseCidr(entry) !== null),
    'must be comma-separated CIDRs or addresses, e.g. "127.0.0.1/32,10.0.0.0/8"',
  ),

  SCHEDULER_TICK_SECONDS: seconds(0.1).default(1),
  /** Full reload of periodic pipelines (changes also arrive at once by LISTEN). */
  SCHEDULER_RELOAD_SECONDS: seconds(1).default(30),

  SIGNAL_SOURCE: z.enum(["simulated", "csv"]).default("simulated"),
  SIGNAL_CSV_PATH: z.string().optional(),
  SIGNAL_PRICE_COLUMN: z.enum(["close", "adj_close"]).default("close"),
  SIGNAL_INTERVAL_SECONDS: seconds(0).default(60),
  SIGNAL_TICKERS: z.string().default("AAPL,MSFT,NVDA,AMZN,GOOGL,META,TSLA,JPM"),
  SIGNAL_SCANNERS: z.string().default("golden_cross,death_cross,rsi,macd,bollinger"),
  SIGNAL_SEED: int(0).default(42),
  SIGNAL_BUFFER_MAX: int(1).default(10_000),

  METRICS_PORT_DISPATCHER: port.default(9101),
  METRICS_PORT_WORKER: port.default(9102),
  METRICS_PORT_SCHEDULER: port.default(9103),
  METRICS_PORT_SIGNAL_GENERATOR: port.default(9104),
  METRICS_PORT_PAPER_LEDGER: port.default(9105),
  /** The API's /metrics (and /healthz, /readyz), off its public port. */
  METRICS_PORT_API: port.default(9106),

  LOG_LEVEL: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
  LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
  /** Seconds between each service's one-line summary at info; 0 turns it off. */
  LOG_SUMMARY_SECONDS: seconds(0).default(30),
  TICKWIRE_DEMO: bool.default(true),
});

/**
 * Every variable's default (what an empty environment gives): the one source of the defaults of
 * options that mirror a variable (e.g. the worker's, the stream bound).
 */
export const CONFIG_DEFAULTS: Readonly<z.infer<typeof envSchema>> = envSchema.parse({});

/** The parsed configuration, plus `databaseUrl` resolved from DATABASE_URL or POSTGRES_*. */
export type Config = z.infer<typeof envSchema> & { databaseUrl: string };

/** Thrown by {@linkcode parseConfig}; `message` names every bad variable on its own line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment (e.g. `Deno.env.toObject()`); throws ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${JSON.stringify(env[name])}: ${issue.message}`;
    }));
  }
  const c = parsed.data;
  const problems = crossFieldProblems(c);
  if (problems.length > 0) throw new ConfigError(problems);
  const databaseUrl = c.DATABASE_URL ??
    `postgres://${encodeURIComponent(c.POSTGRES_USER)}${
      c.POSTGRES_PASSWORD ? `:${encodeURIComponent(c.POSTGRES_PASSWORD)}` : ""
    }@${c.POSTGRES_HOST}:${c.POSTGRES_PORT}/${encodeURIComponent(c.POSTGRES_DB)}`;
  return { ...c, databaseUrl };
}

/**
 * Rules between variables, each accepted alone, whose combination causes duplicate runs or
 * stalls; each problem names every variable involved with its value.
 */
export function crossFieldProblems(c: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  const pair = (a: keyof typeof c, b: keyof typeof c) => `${a}=${c[a]} and ${b}=${c[b]}`;
  if (c.WORKER_HEARTBEAT_SECONDS * 3 > c.WORKER_VISIBILITY_TIMEOUT_SECONDS) {
    // A late heartbeat lets another worker reclaim a live run: it runs (and calls out) twice.
    const most = Math.floor((c.WORKER_VISIBILITY_TIMEOUT_SECONDS / 3) * 100) / 100;
    problems.push(
      `${pair("WORKER_HEARTBEAT_SECONDS", "WORKER_VISIBILITY_TIMEOUT_SECONDS")}: the heartbeat ` +
        `must be at most a third of the visibility timeout (here ${most} s), or a running ` +
        `pipeline is taken over by another worker and runs twice`,
    );
  }
  if (c.WORKER_RETRY_BASE_SECONDS > c.WORKER_RETRY_MAX_SECONDS) {
    problems.push(
      `${pair("WORKER_RETRY_BASE_SECONDS", "WORKER_RETRY_MAX_SECONDS")}: the first retry delay ` +
        `must not exceed the longest one`,
    );
  }
  if (c.BATCH_SIZE > c.BATCH_MAX_SIZE) {
    problems.push(
      `${pair("BATCH_SIZE", "BATCH_MAX_SIZE")}: a batch could never fill (the consumer pauses ` +
        `at BATCH_MAX_SIZE), so every signal would wait for BATCH_TIMEOUT_SECONDS`,
    );
  }
  // Services started together (deno task start) would fight over a port: one stops, for good.
  const ports = [
    "API_PORT",
    "METRICS_PORT_DISPATCHER",
    "METRICS_PORT_WORKER",
    "METRICS_PORT_SCHEDULER",
    "METRICS_PORT_SIGNAL_GENERATOR",
    "METRICS_PORT_PAPER_LEDGER",
    "METRICS_PORT_API",
  ] as const;
  for (const [i, a] of ports.entries()) {
    const b = ports.slice(i + 1).find((other) => c[other] === c[a] && c[a] !== 0);
    if (b) problems.push(`${pair(a, b)}: two services cannot listen on one port`);
  }
  return problems;
}

/** Comma-separated list → trimmed, non-empty items. */
export function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}
