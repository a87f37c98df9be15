import assert from "node:assert/strict";
import { serviceLogger } from "../../shared/logging.ts";
import { PIPELINE_CHANGES_CHANNEL } from "../../shared/names.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { createDispatcherMetrics } from "./metrics.ts";
import { createPipelineCache } from "./pipeline_cache.ts";
import { pollUntil } from "../../shared/poll_until.ts";

const until = (what: string, check: () => boolean) =>
  pollUntil(what, () => check() || undefined, { timeoutMs: 5000, intervalMs: 10 });

Deno.test("pipeline cache: loads active signal pipelines; NOTIFY upserts and deletes without a refresh", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const watched = await insertPipeline(db.sql, owner, { scanner_tickers: ["AAPL"] });
  await insertPipeline(db.sql, owner, { is_active: false });
  await insertPipeline(db.sql, owner, {
    trigger_mode: "periodic",
    schedule: { every_seconds: 60 },
  });
  const controller = new AbortController();
  const cache = createPipelineCache({
    sql: db.sql,
    log: serviceLogger("dispatcher", "test"),
    metrics: createDispatcherMetrics(),
    refreshIntervalMs: 3_600_000,
  });
  try {
    await cache.start(controller.signal);
    assert.deepEqual(cache.index().forTicker("AAPL").map((p) => p.id), [watched.id]);
    assert.equal(cache.index().size, 1);

    const created = await insertPipeline(db.sql, owner, { scanner_tickers: ["NVDA"] });
    await db.sql.notify(PIPELINE_CHANGES_CHANNEL, JSON.stringify({ op: "upsert", id: created.id }));
    await until("the created pipeline", () => cache.index().forTicker("NVDA").length === 1);

    await db.sql`update pipelines set is_active = false where id = ${watched.id}`;
    await db.sql.notify(PIPELINE_CHANGES_CHANNEL, JSON.stringify({ op: "upsert", id: watched.id }));
    await until("the paused pipeline to leave", () => cache.index().get(watched.id) === undefined);

    await db.sql.notify(PIPELINE_CHANGES_CHANNEL, "not json");
    await db.sql.notify(PIPELINE_CHANGES_CHANNEL, JSON.stringify({ op: "delete", id: created.id }));
    await until("the deleted pipeline to leave", () => cache.index().size === 0);
  } finally {
    controller.abort();
  }
});
