/**
 * A service's Postgres pool and Redis client, as `main.ts` opens, awaits and closes them. Nothing
 * here connects at import time.
 */
import type { Config } from "./config.ts";
import { connectPostgres, pingPostgres, type Sql } from "./db.ts";
import type { Logger } from "./logging.ts";
import { waitForService } from "./process.ts";
import { connectRedis, pingRedis, type Redis } from "./redis.ts";

/** The two connections most services hold. */
export interface Stores {
  sql: Sql;
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
}

/** Opens both lazily (the first command connects). */
export function connectStores(
  config: Pick<Config, "databaseUrl" | "DATABASE_POOL_SIZE" | "REDIS_URL">,
  options: StoresOptions,
): Stores {
  return {
    sql: connectPostgres(config.databaseUrl, {
      max: options.poolSize ?? config.DATABASE_POOL_SIZE,
      applicationName: `tickwire-${options.service}`,
    }),
    redis: connectRedis(config.REDIS_URL, {
      name: options.redisName ?? `tickwire-${options.service}`,
      log: options.log.getChild("redis"),
    }),
  };
}

/**
 * Waits for Postgres, then Redis (see waitForService), taking each out of `missing` (what the
 * service's /readyz lists) once it answers. Stopped (SIGTERM/SIGINT) while waiting, it closes
 * both and exits the process with code 0.
 */
export async function waitForStores(
  stores: Stores,
  config: Pick<Config, "databaseUrl" | "REDIS_URL">,
  options: { signal: AbortSignal; log: Logger; missing?: Set<string> },
): Promise<void> {
  const { missing = new Set() } = options;
  try {
    missing.add("Postgres").add("Redis");
    await waitForService("Postgres", () => pingPostgres(stores.sql, config.databaseUrl), options);
    missing.delete("Postgres");
    await waitForService("Redis", () => pingRedis(stores.redis, config.REDIS_URL), options);
    missing.delete("Redis");
  } catch {
    stores.redis.disconnect();
    await stores.sql.end({ timeout: 1 });
    Deno.exit(0);
  }
}
