import assert from "node:assert/strict";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
import { type Contribution, logFires, resolveConfluence } from "./confluence_state.ts";
import type { SignalLogRow } from "../../shared/signal_log/signal_log_row.ts";
import type { DecodedMessage } from "./decoded_message.ts";

const rule = { k: 2, of: ["golden_cross", "rsi"], within_seconds: 3600, ordered: false };
const at = (minutes: number) => Date.parse("2025-01-02T15:00:00Z") + minutes * 60_000;

function contribution(pipelineId: string, source: string, minutes: number): Contribution {
  const signalId = `${source}:AAPL:${minutes}`;
  const signal = {
    ticker: "AAPL",
    signal: "BULLISH" as const,
    confidence: 80,
    scanner: source,
    signal_id: signalId,
  };
  return {
    pipelineId,
    rule,
    entry: { source, signal_id: signalId, t: at(minutes) },
    signal,
    request: {
      pipeline_id: pipelineId,
      trigger_kind: "signal",
      signal_id: signalId,
      signal: null,
      signal_emitted_at: new Date(at(minutes)).toISOString(),
      received_at: null,
    },
    origin: { message: {} as DecodedMessage, index: 0 },
  };
}

Deno.test("resolveConfluence: fires once per window on real Redis, again on redelivery with the same id, re-armed after the window", async () => {
  await using r = await createTestRedis();
  const pipelineId = crypto.randomUUID();
  const c = (source: string, minutes: number) => contribution(pipelineId, source, minutes);
  const firstBatch = [c("golden_cross", 0), c("rsi", 10), c("golden_cross", 20), c("rsi", 30)];
  const fired = await resolveConfluence(r.redis, r.names, firstBatch);
  assert.deepEqual(fired.map((f) => f.contribution.entry.signal_id), ["rsi:AAPL:10"]);
  const id = String(fired[0]!.request.signal_id);
  assert.match(id, /^confluence:/);

  // The next batch, inside the window: a fresh pair of the same sources does not fire again.
  assert.deepEqual(await resolveConfluence(r.redis, r.names, [c("golden_cross", 40)]), []);
  assert.deepEqual(await resolveConfluence(r.redis, r.names, [c("rsi", 45)]), []);

  // The first batch redelivered (the process died before committing it): the firing signal forms
  // the same quorum again, so the claim sees the same id, which its unique index refuses.
  const again = await resolveConfluence(r.redis, r.names, firstBatch);
  assert.deepEqual(again.map((f) => f.request.signal_id), [id]);

  // Past the window of the fire (at minute 10), a quorum fires again, once: golden_cross at 75
  // with rsi at 30, which arrived while the window was quiet.
  const later = await resolveConfluence(r.redis, r.names, [c("golden_cross", 75), c("rsi", 80)]);
  assert.equal(later.length, 1);
  assert.notEqual(later[0]!.request.signal_id, id);
  const formed = later[0]!.request.signal?.confluence as { contributors: { signal_id: string }[] };
  assert.deepEqual(formed.contributors.map((e) => e.signal_id), [
    "rsi:AAPL:30",
    "golden_cross:AAPL:75",
  ]);
});

Deno.test("logFires: a fire is noted on its firing signal's log row only, with its contributors", async () => {
  await using r = await createTestRedis();
  const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
  const batch = [
    contribution(a, "golden_cross", 0),
    contribution(b, "golden_cross", 0),
    contribution(a, "rsi", 5),
    contribution(b, "rsi", 5),
  ];
  const fired = await resolveConfluence(r.redis, r.names, batch);
  const row = (signal_id: string): SignalLogRow => ({
    signal_id,
    topic: "signals",
    partition: 0,
    kafka_offset: "0",
    signal_index: 0,
    received_at: "2025-01-02T15:05:00Z",
    decided_at: "2025-01-02T15:05:00Z",
  });
  const rows = [row("golden_cross:AAPL:0"), row("rsi:AAPL:5"), row("macd:AAPL:5")];
  logFires(rows, fired);
  assert.equal(rows[0]!.confluence_fires, undefined);
  assert.equal(rows[2]!.confluence_fires, undefined);
  assert.deepEqual(
    rows[1]!.confluence_fires,
    [a, b].map((pipelineId, i) => ({
      pipeline_id: pipelineId,
      signal_id: fired[i]!.request.signal_id,
      contributors: ["golden_cross:AAPL:0", "rsi:AAPL:5"],
    })),
  );
});
