/** `deno task migrate`: applies pending migrations to DATABASE_URL and exits. */
import { parseConfig } from "../../shared/config.ts";
import { pingPostgres } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { setupLogging } from "../../shared/logging.ts";
import { describeSchema, migrate, readMigrations, schemaState } from "../../shared/migrate.ts";
import { exitOnConfigError } from "../../shared/process.ts";
import { closeStores, connectStores } from "../../shared/stores.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const log = await setupLogging({
  service: "migrate",
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const stores = connectStores(config, { service: "migrate", poolSize: 1, redis: false, log });
const { sql } = stores;
try {
  await pingPostgres(sql, config.databaseUrl);
  const result = await migrate(sql, await readMigrations());
  log.info("Migrations: {applied} applied now ({schema})", {
    applied: result.applied.length,
    alreadyApplied: result.alreadyApplied,
    names: result.applied,
    schema: describeSchema(await schemaState(sql)),
  });
} catch (error) {
  log.fatal(errorMessage(error));
  Deno.exitCode = 1;
} finally {
  await closeStores(stores, 1);
}
