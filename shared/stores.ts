/**
 * A service's Postgres pool and Redis client (or the pool alone, for the services that hold no
 * Redis), as `main.ts` opens, awaits and closes them. Nothing here connects at import time.
 */
import type { Config } from "./config.ts";
import { connectPostgres, pingPostgres, type Sql } from "./db.ts";
import type { Logger } from "./logging.ts";
import { waitForService } from "./process.ts";
import { connectRedis, pingRedis, type Redis } from "./redis.ts";

/** The pool every service holds. */
export interface PostgresStores {
  sql: Sql;
}

/** The two connections most services hold. */
export interface Stores extends PostgresStores {
  redis: Redis;
}

/** Options of {@linkcode connectStores}. */
export interface StoresOptions {
  /** Names the connections `tickwire-<service>` (pg_stat_activity, CLIENT LIST). */
  service: string;
  /** Redis connection name when it differs (e.g. per worker); default `tickwire-<service>`. */
  redisName?: string;
  /** Pool size; default DATABASE_POOL_SIZE. */
  poolSize?: number;
  /** Where the Redis client says it lost or regained its server. */
  log: Logger;
  /** Whether to open Redis; default true. */
  redis?: boolean;
  /** See `commandTimeoutMs` of connectRedis; default none. */
  redisCommandTimeoutMs?: number;
  /** Whether the pool's inserts NOTIFY the live pages; default true (see shared/db.ts). */
  announce?: boolean;
}

/** Opens both (or, with `redis: false`, Postgres alone) lazily: the first command connects. */
export function connectStores(
  config: Pick<Config, "databaseUrl" | "DATABASE_POOL_SIZE" | "REDIS_URL">,
  options: StoresOptions & { redis: false },
): PostgresStores;
export function connectStores(
  config: Pick<Config, "databaseUrl" | "DATABASE_POOL_SIZE" | "REDIS_URL">,
  options: StoresOptions,
): Stores;
export function connectStores(
  config: Pick<Config, "databaseUrl" | "DATABASE_POOL_SIZE" | "REDIS_URL">,
  options: StoresOptions,
): PostgresStores | Stores {
  const sql = connectPostgres(config.databaseUrl, {
    max: options.poolSize ?? config.DATABASE_POOL_SIZE,
    applicationName: `tickwire-${options.service}`,
    ...(options.announce === undefined ? {} : { announce: options.announce }),
  });
  if (options.redis === false) return { sql };
  const redis = connectRedis(config.REDIS_URL, {
    name: options.redisName ?? `tickwire-${options.service}`,
    log: options.log.getChild("redis"),
    ...(options.redisCommandTimeoutMs === undefined
      ? {}
      : { commandTimeoutMs: options.redisCommandTimeoutMs }),
  });
  return { sql, redis };
}

/** Closes what {@linkcode connectStores} opened, giving queries `timeoutSeconds` (default 5). */
export async function closeStores(
  stores: PostgresStores | Stores,
  timeoutSeconds = 5,
): Promise<void> {
  if ("redis" in stores) stores.redis.disconnect();
  await stores.sql.end({ timeout: timeoutSeconds });
}

/**
 * Waits for Postgres, then Redis if the service holds it (see waitForService), taking each out
 * of `missing` (what the service's /readyz lists) once it answers. Stopped (SIGTERM/SIGINT)
 * while waiting, it closes both and exits the process with code 0.
 */
export async function waitForStores(
  stores: PostgresStores | Stores,
  config: Pick<Config, "databaseUrl" | "REDIS_URL">,
  options: { signal: AbortSignal; log: Logger; missing?: Set<string> },
): Promise<void> {
  const { missing = new Set() } = options;
  const redis = "redis" in stores ? stores.redis : null;
  try {
    missing.add("Postgres");
    if (redis) missing.add("Redis");
    await waitForService("Postgres", () => pingPostgres(stores.sql, config.databaseUrl), options);
    missing.delete("Postgres");
    if (redis) {
      await waitForService("Redis", () => pingRedis(redis, config.REDIS_URL), options);
      missing.delete("Redis");
    }
  } catch {
    await closeStores(stores, 1);
    Deno.exit(0);
  }
}
