/**
 * One trial's private world: its own database and Redis prefix reached through TCP proxies the
 * suite controls, its own signal and dead-letter topics on the suite's own broker, a counting
 * pipeline, and the services as real processes (killable) with free ports.
 */
import { createKafka } from "../../shared/kafka.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { freePort, type ServiceProcess, startService } from "../../tests/fixtures/processes.ts";
import { createTestRedis, type TestRedis } from "../../tests/fixtures/redis.ts";
import { startTcpProxy, type TcpProxy } from "./tcp_proxy.ts";

/** The ticker every chaos signal is for. */
export const CHAOS_TICKER = "CHAOS";

/** The folder of a trial's service logs: bench/results/chaos-logs/<trial, lower case>. */
export function chaosLogDir(trial: string): string {
  const root = new URL("../../", import.meta.url).pathname;
  return `${root}bench/results/chaos-logs/${trial.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-")}`;
}

/** A trial's stack. */
export interface ChaosStack extends AsyncDisposable {
  db: TestDatabase;
  redis: TestRedis;
  postgresProxy: TcpProxy;
  redisProxy: TcpProxy;
  brokers: string;
  topic: string;
  deadLetterTopic: string;
  pipelineId: string;
  /** Starts a service process with the trial's environment (plus `env`). */
  start(service: string, env?: Record<string, string>): ServiceProcess;
  /** Publishes signals `ids` (one message each) to the trial's topic. */
  publish(ids: string[]): Promise<void>;
  /** Publishes raw message values to the trial's topic. */
  publishRaw(values: string[]): Promise<void>;
  /** Executions per signal id starting with `prefix`, and how many are not finished. */
  count(prefix: string): Promise<{ bySignal: Map<string, number>; unfinished: number }>;
  /** Signals starting with `prefix` that have a succeeded execution. */
  succeeded(prefix: string): Promise<number>;
  /**
   * Publishes a probe signal every second until one runs: the dispatcher's group starts at the
   * newest offset, so a trial's signals are sent only once it is consuming.
   */
  warmUp(timeoutMs?: number): Promise<void>;
  /**
   * Where the signals of `ids` that did not succeed got to: in the signal log or not, their
   * executions' statuses, and the dispatcher group's committed offsets against the topic's ends.
   * Written beside the logs when a trial loses signals.
   */
  diagnose(ids: string[]): Promise<unknown>;
}

/** Options of {@linkcode createChaosStack}. */
export interface ChaosStackOptions {
  /** The pipeline's steps; default one `log` step. */
  steps?: unknown[];
  /** A folder for every started service's output, written at dispose; default: not kept. */
  logDir?: string;
}

/** Creates the trial's database, prefix, topics, proxies and counting pipeline. */
export async function createChaosStack(
  brokers: string,
  options: ChaosStackOptions = {},
): Promise<ChaosStack> {
  const steps = options.steps ?? [{ id: "note", agent: "log", params: { message: "chaos" } }];
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const dbUrl = new URL(db.url);
  const postgresProxy = startTcpProxy({
    hostname: dbUrl.hostname,
    port: Number(dbUrl.port || 5432),
  });
  const redisUrl = new URL(redis.url);
  const redisProxy = startTcpProxy({
    hostname: redisUrl.hostname,
    port: Number(redisUrl.port || 6379),
  });
  const kafka = createKafka({ brokers, clientId: "tickwire-chaos" });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `tw-chaos-${crypto.randomUUID().slice(0, 8)}`;
  const deadLetterTopic = `${topic}-dlq`;
  await admin.createTopics({
    topics: [{ topic, numPartitions: 6 }, { topic: deadLetterTopic, numPartitions: 1 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const owner = await insertUser(db.sql);
  const pipeline = await insertPipeline(db.sql, owner, {
    scanner_tickers: [CHAOS_TICKER],
    overlap_policy: "allow",
    max_attempts: 10,
    config: { steps } as never,
  });
  dbUrl.port = String(postgresProxy.port);
  dbUrl.hostname = "127.0.0.1";
  const env = {
    DATABASE_URL: dbUrl.href,
    REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
    REDIS_KEY_PREFIX: redis.prefix,
    KAFKA_BOOTSTRAP_SERVERS: brokers,
    KAFKA_SIGNAL_TOPIC: topic,
    KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
    KAFKA_CONSUMER_GROUP: `${topic}-dispatcher`,
    WORKER_VISIBILITY_TIMEOUT_SECONDS: "3",
    WORKER_HEARTBEAT_SECONDS: "0.5",
    WORKER_RETRY_BASE_SECONDS: "0.2",
    WORKER_RETRY_MAX_SECONDS: "2",
    SWEEP_INTERVAL_SECONDS: "2",
    SWEEP_MIN_AGE_SECONDS: "5",
    EGRESS_ALLOWED_NETWORKS: "127.0.0.1/32",
    LOG_LEVEL: "warning",
  };
  const started: ServiceProcess[] = [];
  const send = async (values: string[]) => {
    for (let i = 0; i < values.length; i += 500) {
      await producer.send({
        topic,
        messages: values.slice(i, i + 500).map((value, j) => ({ key: String((i + j) % 6), value })),
      });
    }
  };
  const stack: ChaosStack = {
    db,
    redis,
    postgresProxy,
    redisProxy,
    brokers,
    topic,
    deadLetterTopic,
    pipelineId: pipeline.id,
    start(service, extra = {}) {
      const ports = {
        API_PORT: String(freePort()),
        METRICS_PORT_API: String(freePort()),
        METRICS_PORT_DISPATCHER: String(freePort()),
        METRICS_PORT_WORKER: String(freePort()),
        METRICS_PORT_SCHEDULER: String(freePort()),
      };
      // The dispatcher at info: its group joins and rebalances are what a failed trial needs.
      const level = { LOG_LEVEL: service === "dispatcher" ? "info" : "warning" };
      const process = startService(service, { ...env, ...level, ...ports, ...extra });
      started.push(process);
      return process;
    },
    publish: (ids) =>
      send(ids.map((signal_id) =>
        JSON.stringify({
          tickers: [{ ticker: CHAOS_TICKER, signal: "BULLISH", confidence: 80, signal_id }],
        })
      )),
    publishRaw: send,
    async count(prefix) {
      const rows = await db.sql<{ signal_id: string; status: string }[]>`
        select signal_id, status from pipeline_executions
        where pipeline_id = ${pipeline.id} and starts_with(signal_id, ${prefix})`;
      const bySignal = new Map<string, number>();
      let unfinished = 0;
      for (const row of rows) {
        bySignal.set(row.signal_id, (bySignal.get(row.signal_id) ?? 0) + 1);
        if (row.status === "queued" || row.status === "running") unfinished++;
      }
      return { bySignal, unfinished };
    },
    async succeeded(prefix) {
      const [row] = await db.sql<[{ n: number }]>`
        select count(distinct signal_id)::int as n from pipeline_executions
        where pipeline_id = ${pipeline.id} and status = 'succeeded'
          and starts_with(signal_id, ${prefix})`;
      return row.n;
    },
    async warmUp(timeoutMs = 120_000) {
      const deadline = performance.now() + timeoutMs;
      for (let i = 0; performance.now() < deadline; i++) {
        await send([
          JSON.stringify({
            tickers: [{
              ticker: CHAOS_TICKER,
              signal: "BULLISH",
              confidence: 80,
              signal_id: `warmup-${i}`,
            }],
          }),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if ((await stack.count("warmup-")).bySignal.size > 0) return;
      }
      throw new Error(`The stack did not run a probe signal within ${timeoutMs / 1000} s`);
    },
    async diagnose(ids) {
      // $1: the trial's signal ids; those without a succeeded execution, and where they got to.
      const missing = await db.sql<{ signal_id: string; logged: boolean; statuses: string[] }[]>`
        select s.signal_id,
          exists (select 1 from signal_log l where l.signal_id = s.signal_id) as logged,
          coalesce((select array_agg(e.status::text) from pipeline_executions e
                    where e.pipeline_id = ${pipeline.id} and e.signal_id = s.signal_id),
                   '{}') as statuses
        from unnest(${ids}::text[]) as s(signal_id)
        where not exists (select 1 from pipeline_executions e where e.signal_id = s.signal_id
                          and e.pipeline_id = ${pipeline.id} and e.status = 'succeeded')`;
      const [committed, ends] = await Promise.all([
        admin.fetchOffsets({ groupId: env.KAFKA_CONSUMER_GROUP, topics: [topic] }),
        admin.fetchTopicOffsets(topic),
      ]);
      const group = await admin.describeGroups([env.KAFKA_CONSUMER_GROUP]);
      return {
        notSucceeded: missing.length,
        neverLogged: missing.filter((m) => !m.logged).length,
        notSucceededSample: missing.slice(0, 20),
        partitions: ends.map((end) => ({
          partition: end.partition,
          high: end.high,
          committed: committed[0]?.partitions.find((p) => p.partition === end.partition)?.offset,
        })),
        group: group.groups.map((g) => ({
          state: g.state,
          members: g.members.map((m) => `${m.clientId} ${m.memberId} ${m.clientHost}`),
        })),
      };
    },
    async [Symbol.asyncDispose]() {
      await Promise.allSettled(started.map((p) => p.stop(5000)));
      if (options.logDir) {
        await Deno.mkdir(options.logDir, { recursive: true });
        await Promise.all(
          started.map((p, i) =>
            Deno.writeTextFile(`${options.logDir}/${i}-${p.name}.log`, p.output())
          ),
        );
      }
      await producer.disconnect().catch(() => {});
      await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => {});
      await admin.disconnect().catch(() => {});
      await postgresProxy.close();
      await redisProxy.close();
      await redis.cleanup();
      await db.drop();
    },
  };
  return stack;
}
