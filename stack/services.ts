/** `stack up|status` for Postgres and Redis: they are not ours to start, only to check and migrate. */
import type { Config } from "../shared/config.ts";
import { connectPostgres, pingPostgres, redactUrl } from "../shared/db.ts";
import { errorMessage } from "../shared/errors.ts";
import { describeSchema, migrate, readMigrations, schemaState } from "../shared/migrate.ts";
import { serviceLogger } from "../shared/logging.ts";
import { connectRedis, pingRedis } from "../shared/redis.ts";

/** A service's state: whether it is usable, and one line saying so (or why not and what to do). */
export type ServiceState = [ok: boolean, line: string];

/** Pings Postgres and, with `migrate`, applies pending migrations. */
export async function checkPostgres(config: Config, options: { migrate: boolean }): Promise<
  ServiceState
> {
  const url = config.databaseUrl;
  const sql = connectPostgres(url, { max: 1, applicationName: "tickwire-stack" });
  try {
    await pingPostgres(sql, url);
    if (options.migrate) {
      const result = await migrate(sql, await readMigrations());
      return [
        true,
        `postgres  up at ${redactUrl(url)}; migrations: ${result.applied.length} applied now ` +
        `(${describeSchema(await schemaState(sql))})`,
      ];
    }
    return [true, `postgres  up at ${redactUrl(url)} (${describeSchema(await schemaState(sql))})`];
  } catch (error) {
    return [false, `postgres  ${errorMessage(error)}`];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Pings Redis. */
export async function checkRedis(config: Config): Promise<ServiceState> {
  const redis = connectRedis(config.REDIS_URL, {
    name: "tickwire-stack",
    log: serviceLogger("stack", "redis"),
  });
  // The client reconnects quietly; keep its last error to say why the ping got no answer.
  let lastError = "";
  redis.on("error", (error) => lastError = errorMessage(error));
  try {
    await pingRedis(redis, config.REDIS_URL);
    return [true, `redis     up at ${redactUrl(config.REDIS_URL)}`];
  } catch (error) {
    const cause = lastError ? `; last connection error: ${lastError}` : "";
    return [false, `redis     ${errorMessage(error)}${cause}`];
  } finally {
    redis.disconnect();
  }
}
