import assert from "node:assert/strict";
import { MetricsRegistry, serveMetrics } from "./metrics.ts";

Deno.test("metrics render counters, gauges and cumulative histogram buckets", async () => {
  const r = new MetricsRegistry();
  const c = r.counter("tw_signals_total", "Signals");
  const g = r.gauge("tw_lag", "Lag");
  const h = r.histogram("tw_batch_seconds", "Batch", [0.1, 1]);
  c.inc({ reason: 'a"b' }, 2);
  g.set(7, { partition: "0" });
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const text = await r.render();
  assert.match(text, /^tw_signals_total\{reason="a\\"b"\} 2$/m);
  assert.match(text, /^tw_lag\{partition="0"\} 7$/m);
  assert.match(text, /^tw_batch_seconds_bucket\{le="0.1"\} 1$/m);
  assert.match(text, /^tw_batch_seconds_bucket\{le="1"\} 2$/m);
  assert.match(text, /^tw_batch_seconds_bucket\{le="\+Inf"\} 3$/m);
  assert.match(text, /^tw_batch_seconds_sum 5.55$/m);
  assert.match(text, /^# TYPE tw_batch_seconds histogram$/m);
});

Deno.test("serveMetrics: /healthz always answers; /readyz names what is missing until nothing is", async () => {
  const missing = new Set(["Kafka"]);
  const stop = new AbortController();
  const server = serveMetrics(new MetricsRegistry(), 0, stop.signal, () => [...missing]);
  const url = (path: string) => `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}${path}`;
  try {
    const live = await fetch(url("/healthz"));
    assert.equal(live.status, 200);
    await live.body?.cancel();
    const notReady = await fetch(url("/readyz"));
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), { status: "not ready", missing: ["Kafka"] });
    missing.delete("Kafka");
    const ready = await fetch(url("/readyz"));
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready" });
  } finally {
    stop.abort();
    await server.finished;
  }
});
