/**
 * Derived decisions agree with the dispatcher's: the same signals are planned by the
 * dispatcher's `planBatch` and logged the way it logs them, then `decisionsOf` explains them on
 * real Postgres. A pipeline whose listen_to does not hear a signal has no decision at all, and a
 * confluence pipeline filters the sources it does not name.
 */
import assert from "node:assert/strict";
import { signalLogInsert } from "../../shared/signal_log/signal_log_row.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { signSignal } from "../../shared/signals/signal_scope.ts";
import { decodeMessage } from "../dispatcher/decoded_message.ts";
import { planBatch } from "../dispatcher/plan.ts";
import { PipelineIndex, toMatchablePipeline } from "../dispatcher/pipeline_index.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { type DecisionRow, decisionsOf } from "./signal_decisions.ts";

const key = new Uint8Array(32).fill(3);

Deno.test("decisionsOf: the dispatcher's listen_to, filter and confluence rules, pair by pair", async () => {
  await using db = await createTestDatabase();
  const { sql } = db;
  const alice = await insertUser(sql);
  const bob = await insertUser(sql);
  const hookA = `webhook:${crypto.randomUUID()}`;
  const hookB = `webhook:${crypto.randomUUID()}`;
  const hookBob = `webhook:${crypto.randomUUID()}`;
  const all = "all" as const;
  const pipelines = {
    everything: await insertPipeline(sql, alice, { name: "everything" }),
    privateOnly: await insertPipeline(sql, alice, {
      name: "private only",
      listen_to: { public: false, sources: all },
    }),
    hookAOnly: await insertPipeline(sql, alice, {
      name: "hook A only",
      listen_to: { public: false, sources: [hookA] },
    }),
    publicPicky: await insertPipeline(sql, alice, {
      name: "public, max confidence 85",
      listen_to: { public: true, sources: [] },
      signal_filter: { max_confidence: 85 },
    }),
    confluence: await insertPipeline(sql, alice, {
      name: "confluence",
      listen_to: {
        public: true,
        sources: all,
        confluence: { k: 2, of: ["golden_cross", hookA], within_seconds: 600, ordered: false },
      },
    }),
    bobs: await insertPipeline(sql, bob, { name: "bob's" }),
  };
  const index = PipelineIndex.of(
    Object.values(pipelines).map((p) => toMatchablePipeline(p)!),
  );
  const now = Date.now();
  const base = { ticker: "AAPL", signal: "BULLISH", confidence: 80 } as const;
  const signed = (s: TickerSignal) => signSignal(s, key);
  const signals: TickerSignal[] = [
    { ...base, signal_id: "public-gc", scanner: "golden_cross" },
    { ...base, signal_id: "public-rsi-90", scanner: "rsi", confidence: 90 },
    signed({ ...base, owner_id: alice, source: hookA, signal_id: `${hookA}:1` }),
    signed({ ...base, owner_id: alice, source: hookB, signal_id: `${hookB}:1` }),
    signed({ ...base, owner_id: bob, source: hookBob, signal_id: `${hookBob}:1` }),
  ];

  // The dispatcher's decision per (signal, pipeline): one signal per batch, read off its counters.
  const expected = new Map<string, string>();
  for (const [i, signal] of signals.entries()) {
    const message = decodeMessage(
      "signals",
      0,
      {
        offset: String(i),
        timestamp: String(now),
        key: null,
        value: new TextEncoder().encode(JSON.stringify(signal)),
      },
      now,
      key,
    );
    assert.ok(message.parsed.ok, JSON.stringify(message.parsed));
    const plan = planBatch([message], index, now);
    for (const p of Object.values(pipelines)) {
      const reason = (["matched", "filtered", "stale"] as const).find((r) =>
        plan.stats.get(p.id, r) > 0
      );
      if (reason) expected.set(`${signal.signal_id} ${p.name}`, reason);
    }
    await sql`${signalLogInsert(sql, plan.log)}`;
  }

  const derived = new Map<string, string>();
  for (const owner of [alice, bob]) {
    const rows = await sql<DecisionRow[]>`${
      decisionsOf(sql, owner, sql`select * from signal_log where reject_reason is null`)
    }`;
    for (const r of rows) {
      // No executions exist: a match is `skipped_busy` (no run held it) or `no_quorum`.
      const reason = ["skipped_busy", "no_quorum", "claimed"].includes(r.decision)
        ? "matched"
        : r.decision;
      derived.set(`${r.signal_id} ${r.pipeline_name}`, reason);
      if (r.decision === "filtered") {
        assert.ok(
          r.condition === "max_confidence" || r.condition === "source",
          `${r.signal_id} ${r.pipeline_name}: ${r.condition}`,
        );
      }
    }
  }
  assert.deepEqual(
    Object.fromEntries([...derived].sort()),
    Object.fromEntries([...expected].sort()),
  );
  // The cases that matter, spelled out.
  assert.equal(derived.get(`${hookB}:1 hook A only`), undefined, "a source it does not hear");
  assert.equal(derived.get(`public-gc private only`), undefined, "public, not heard");
  assert.equal(derived.get(`${hookBob}:1 everything`), undefined, "another user's signal");
  assert.equal(derived.get(`${hookBob}:1 bob's`), "matched");
  assert.equal(derived.get(`public-rsi-90 public, max confidence 85`), "filtered");
  assert.equal(derived.get(`public-rsi-90 confluence`), "filtered", "rsi is not in its `of`");
  assert.equal(derived.get(`${hookA}:1 confluence`), "matched");
});
