import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { agentContext } from "../../tests/fixtures/agent_context.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import type { Bar } from "../market/bar.ts";
import { writeBars } from "../market/bars_store.ts";
import { indicatorsAgent, indicatorsParams } from "./indicators.ts";
import { NonRetryableError } from "./errors.ts";

/** 40 daily bars of AAPL, closes 101, 102, …, each bar spanning close ± 1. */
function risingBars(ticker = "AAPL"): Bar[] {
  return Array.from({ length: 40 }, (_, i) => {
    const close = 101 + i;
    const date = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    return {
      ticker,
      date,
      open: close,
      high: close + 1,
      low: close - 1,
      close,
      adj_close: close,
      volume: 1000,
    };
  });
}

/** Equal to 9 decimal places (EMAs accumulate float error). */
function near(actual: unknown, expected: number) {
  assert.ok(
    typeof actual === "number" && Math.abs(actual - expected) < 1e-9,
    `expected ${expected}, got ${actual}`,
  );
}

const params = indicatorsParams.parse({ sma: [5, 10], ema: [5], rsi: 14, atr: 14 });

Deno.test("indicators agent: values at the signal's bar, ignoring later bars", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  await writeBars(db.sql, risingBars());
  const ctx = agentContext(db.sql, owner, {
    signal: { ticker: "AAPL", signal: "BULLISH", confidence: 80, bar_date: "2024-01-30" },
  });
  const { output } = await indicatorsAgent.run(params, ctx);
  const o = output as Record<string, unknown> & { prev: Record<string, number | null> };
  // Day 30 closes at 130: SMA5 = mean(126..130) = 128, SMA10 = mean(121..130) = 125.5.
  assert.equal(o.date, "2024-01-30");
  assert.equal(o.close, 130);
  assert.equal(o.sma5, 128);
  assert.equal(o.sma10, 125.5);
  assert.equal(o.prev.sma5, 127);
  // A steady rise of 1 a day: EMA5 lags the close by 2, RSI is 100 (no losses), ATR is 2
  // (the high-low range of each bar, larger than the gap to the previous close).
  near(o.ema5, 128);
  assert.equal(o.rsi14, 100);
  near(o.atr14, 2);
  // MACD(12, 26, 9): line EMA12 − EMA26 = 5.5 − 12.5 lag = 7; signal needs 34 bars, there are 30.
  near(o.macd, 7);
  assert.equal(o.macd_signal, null);
  assert.equal(o.bars, 30);
  assert.ok(typeof o.bb_upper === "number" && o.bb_upper > 130);
});

Deno.test("indicators agent: history shorter than a period gives null, not an error", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  await writeBars(db.sql, risingBars().slice(0, 3));
  const { output } = await indicatorsAgent.run(params, agentContext(db.sql, owner));
  const o = output as Record<string, unknown>;
  assert.equal(o.date, "2024-01-03");
  assert.equal(o.sma5, null);
  assert.equal(o.atr14, null);
});

Deno.test("indicators agent: a missing bar or ticker is a non-retryable error", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  await writeBars(db.sql, risingBars().slice(0, 5));
  const late = agentContext(db.sql, owner, {
    signal: { ticker: "AAPL", signal: "BULLISH", confidence: 80, bar_date: "2024-02-01" },
  });
  await assert.rejects(
    indicatorsAgent.run(params, late),
    (e: Error) =>
      e instanceof NonRetryableError &&
      /no bar for "AAPL" on 2024-02-01 in market_bars \(latest before it: 2024-01-05\)/.test(
        e.message,
      ),
  );
  await assert.rejects(
    indicatorsAgent.run(params, agentContext(db.sql, owner, { signal: null })),
    /needs a ticker: the run has no signal and params "ticker" is not set/,
  );
  const msft = await indicatorsAgent.run(
    { ...params, ticker: "MSFT" },
    agentContext(db.sql, owner, { signal: null }),
  ).catch((e: Error) => e);
  assert.match((msft as Error).message, /no bar for "MSFT" in market_bars$/);
});

Deno.test("indicators params: defaults and bad periods", () => {
  const defaults = indicatorsParams.parse({});
  assert.deepEqual(defaults.sma, [50, 200]);
  assert.deepEqual(defaults.macd, { fast: 12, slow: 26, signal: 9 });
  assert.equal(indicatorsParams.safeParse({ sma: [0] }).success, false);
  assert.equal(
    indicatorsParams.safeParse({ macd: { fast: 26, slow: 12, signal: 9 } }).success,
    false,
  );
  assert.equal(indicatorsParams.safeParse({ smaa: [5] }).success, false);
});
