/**
 * A test's API: `createApp` over a fresh test database, a unique Redis prefix and a Kafka admin
 * client (not connected until /readyz asks), plus shortcuts to call it and to get tokens.
 */
import type { Config } from "../../shared/config.ts";
import { createKafka } from "../../shared/kafka.ts";
import { serviceLogger } from "../../shared/logging.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/fixtures/database.ts";
import { createTestRedis, type TestRedis } from "../../tests/fixtures/redis.ts";
import { testConfig } from "../../tests/fixtures/config.ts";
import type { ApiDeps } from "./api_env.ts";
import { createApp } from "./app.ts";

/** An answer: status, headers and the parsed JSON body (null when there is none). */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Options of one call: a JSON body (or raw string), a bearer token, extra headers. */
export interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** The test API and its backing stores. */
export interface TestApi extends AsyncDisposable {
  app: ReturnType<typeof createApp>;
  db: TestDatabase;
  redis: TestRedis;
  config: Config;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Registers a fresh user and logs in; returns its id, email and token. */
  user(): Promise<{ id: string; email: string; token: string }>;
}

/** The seed's pipeline body, as in its curl example (with a real config for its "{...}"). */
export const SEED_BODY = {
  name: "AAPL Trader",
  description: "Trades AAPL on signals",
  trigger_mode: "signal",
  scanner_tickers: ["AAPL", "MSFT"],
  config: { steps: [{ id: "note", agent: "log", params: { message: "signal received" } }] },
  is_active: true,
};

/** Creates the test API; `config` overrides the parsed test environment. */
export async function createTestApi(
  config: Partial<Config> = {},
  deps: Partial<ApiDeps> = {},
): Promise<TestApi> {
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const kafkaAdmin = createKafka({
    brokers: testConfig().KAFKA_BOOTSTRAP_SERVERS,
    clientId: "tickwire-api-test",
    retries: 0,
  }).admin();
  const merged = { ...testConfig(), ...config };
  const app = createApp({
    sql: db.sql,
    redis: redis.redis,
    names: redis.names,
    config: merged,
    log: serviceLogger("api-test"),
    kafkaAdmin,
    clientAddress: (c) => c.req.header("x-test-client") ?? "192.0.2.1",
    ...deps,
  });
  const call = async (method: string, path: string, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    const res = await app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const user = async () => {
    const email = `${crypto.randomUUID().slice(0, 8)}@test.local`;
    const password = "a long enough password";
    const registered = await call("POST", "/api/v1/auth/register", { body: { email, password } });
    if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered.body)}`);
    const login = await call("POST", "/api/v1/auth/tokens", { body: { email, password } });
    if (login.status !== 201) throw new Error(`login: ${JSON.stringify(login.body)}`);
    return { id: registered.body.id as string, email, token: login.body.token as string };
  };
  const dispose = async () => {
    await kafkaAdmin.disconnect().catch(() => {});
    await redis.cleanup();
    await db.drop();
  };
  return { app, db, redis, config: merged, call, user, [Symbol.asyncDispose]: dispose };
}
