import "vega-datasets";
import assert from "node:assert/strict";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { writeBars } from "../../shared/market/bars_store.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestApi } from "./test_api.ts";
import { INTERRUPTED_ERROR, interruptLostBacktests } from "./backtest_store.ts";

const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;
const example = JSON.parse(
  await Deno.readTextFile(new URL("../../examples/golden_cross_long.json", import.meta.url)),
);
const GOLDEN_CROSSES = [
  "2003-05-14",
  "2004-11-05",
  "2006-09-12",
  "2009-06-23",
  "2010-10-22",
  "2012-01-31",
  "2015-12-21",
  "2016-04-25",
  "2019-04-01",
];

Deno.test("backtests API: a job over market_bars, then over an uploaded CSV; the owner's only", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const bob = await api.user();
  const data = await readCsvBars(sp500, { fileTicker: "GSPC" });
  await writeBars(api.db.sql, data.bars.get("GSPC")!);
  const created = await api.call("POST", "/api/v1/pipelines", {
    token: alice.token,
    body: example,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const path = `/api/v1/pipelines/${created.body.id}/backtests`;
  const finished = (id: string) =>
    pollUntil(`backtest ${id}`, async () => {
      const job = await api.call("GET", `${path}/${id}`, { token: alice.token });
      return job.body.status === "running" ? undefined : job.body;
    }, { timeoutMs: 60_000 });

  const started = await api.call("POST", path, { token: alice.token, body: {} });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.status, "running");
  const stored = await finished(started.body.id);
  assert.equal(stored.status, "succeeded", stored.error);
  assert.deepEqual(
    stored.result.trades.map((t: { entry_date: string }) => t.entry_date),
    GOLDEN_CROSSES,
  );
  assert.equal(stored.result.equity.length, 5105);
  assert.equal(
    (await api.call("GET", `${path}/${started.body.id}`, { token: bob.token })).status,
    404,
  );

  // The same bars from 2009 on, uploaded as CSV text under another ticker.
  const lines = (await Deno.readTextFile(sp500)).trim().split("\n");
  const csv = [lines[0], ...lines.filter((l) => l >= "2009")].join("\n");
  const uploaded = await api.call("POST", path, {
    token: alice.token,
    body: { csv, ticker: "SPX", from: "2010-01-01", cash: 10_000 },
  });
  assert.equal(uploaded.status, 202, JSON.stringify(uploaded.body));
  const result = (await finished(uploaded.body.id)).result;
  assert.deepEqual(result.tickers, ["SPX"]);
  assert.equal(result.stats.starting_cash, 10_000);
  assert.deepEqual(
    result.trades.map((t: { entry_date: string }) => t.entry_date),
    GOLDEN_CROSSES.filter((d) => d >= "2010"),
  );
  const bad = await api.call("POST", path, { token: alice.token, body: { csv: "nonsense" } });
  assert.equal(bad.status, 422);
});

Deno.test("backtests API: jobs are kept in Postgres; one whose API process stopped reads as interrupted", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const created = await api.call("POST", "/api/v1/pipelines", {
    token: alice.token,
    body: example,
  });
  const path = `/api/v1/pipelines/${created.body.id}/backtests`;
  const started = await api.call("POST", path, {
    token: alice.token,
    body: { csv: "Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,1", ticker: "X" },
  });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const [row] = await api.db.sql<{ status: string; request: Record<string, unknown> }[]>`
    select status::text, request from backtest_jobs where id = ${started.body.id}`;
  assert.ok(row, "the job is in Postgres");
  assert.deepEqual(row.request, { price_column: "close", ticker: "X", csv_bytes: 52 });

  // What a process killed mid-run leaves: a running job whose heartbeat stopped a minute ago,
  // and one beside it whose process is alive (beat just now).
  const lost = crypto.randomUUID();
  const alive = crypto.randomUUID();
  await api.db.sql`
    insert into backtest_jobs (id, pipeline_id, owner_id, request, heartbeat_at)
    values (${lost}, ${created.body.id}, ${alice.id}, '{}', now() - interval '1 minute'),
      (${alive}, ${created.body.id}, ${alice.id}, '{}', now())`;
  const read = await api.call("GET", `${path}/${lost}`, { token: alice.token });
  assert.equal(read.status, 200);
  assert.equal(read.body.status, "interrupted");
  assert.equal(read.body.error, INTERRUPTED_ERROR);
  assert.ok(read.body.finished_at);
  const running = await api.call("GET", `${path}/${alive}`, { token: alice.token });
  assert.equal(running.body.status, "running");

  // The start-up sweep of a new API process: every lost job at once, the live one left alone.
  await api.db.sql`update backtest_jobs set heartbeat_at = now() - interval '31 seconds'
    where id = ${alive}`;
  assert.equal(await interruptLostBacktests(api.db.sql), 1);
  assert.equal(await interruptLostBacktests(api.db.sql), 0);
  const [swept] = await api.db.sql<{ status: string }[]>`
    select status::text from backtest_jobs where id = ${alive}`;
  assert.equal(swept?.status, "interrupted");
});
