/** Redis connections (npm:ioredis). Nothing connects at import time. */
import { Redis } from "ioredis";
import { redactUrl } from "./db.ts";
import { errorMessage } from "./errors.ts";
import type { Logger } from "./logging.ts";
import { exponentialDelay } from "./backoff.ts";
import { withTimeout } from "./timeout.ts";

export type { Redis };

/** Options of {@linkcode connectRedis}. */
export interface RedisOptions {
  /** Connection name (CLIENT SETNAME); default "tickwire". */
  name?: string;
  /** Connect now instead of on the first command; default false. */
  eager?: boolean;
  /** Where the client says that it lost its server and that it is back. */
  log: Logger;
  /**
   * Rejects a command not answered within this many ms with "Command timed out", a command
   * queued while Redis is away included; default none (the command waits for Redis). For callers
   * that answer someone (the API), not for loops that retry on their own.
   */
  commandTimeoutMs?: number;
}

/** A client that reconnects with capped backoff and queues commands while reconnecting. */
export function connectRedis(url: string, options: RedisOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name ?? "tickwire",
    lazyConnect: !options.eager,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    retryStrategy: (times) => exponentialDelay(times + 1, 100, 5000),
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
  });
  reportOutages(redis, url, options.log);
  return redis;
}

/**
 * Another connection to the same server with the same options (e.g. for blocking reads), that
 * reports outages like {@linkcode connectRedis} does; ioredis' own `duplicate()` copies no listener.
 */
export function duplicateRedis(redis: Redis, log: Logger): Redis {
  const copy = redis.duplicate();
  const { host, port } = redis.options;
  reportOutages(copy, `redis://${host}:${port}`, log);
  return copy;
}

/**
 * Without a listener ioredis prints a stack trace on every reconnect attempt; instead say once
 * that Redis is unreachable and once that it is back (commands queue meanwhile).
 */
function reportOutages(redis: Redis, url: string, log: Logger): void {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn("Redis at {url} unreachable, reconnecting: {error}", {
      url: redactUrl(url),
      error: errorMessage(error),
    });
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info("Redis at {url} reachable again", { url: redactUrl(url) });
  });
}

/** Runs PING; throws an Error naming the URL and how to start Redis. */
export async function pingRedis(redis: Redis, url: string): Promise<void> {
  try {
    await withTimeout(redis.ping(), 3000, "Redis");
  } catch (cause) {
    throw new Error(
      `Cannot reach Redis at ${redactUrl(url)}: ${errorMessage(cause)} ` +
        `(start it, e.g. "redis-server --daemonize yes", or set REDIS_URL)`,
      { cause },
    );
  }
}
