import assert from "node:assert/strict";
import { writeBars } from "../../shared/market/bars_store.ts";
import type { Bar } from "../../shared/market/bar.ts";
import { MAX_SCANNERS_PER_USER } from "../../shared/schemas/user_scanner.ts";
import { createTestApi } from "./test_api.ts";

const body = {
  name: "golden",
  tickers: ["aapl"],
  expression: "crossover(sma(close, 2), sma(close, 3))",
  direction: "BULLISH",
  confidence: 70,
};

Deno.test("scanners: malformed expressions answer 422 with the column and what was expected", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const problem = async (expression: string) => {
    const res = await api.call("POST", "/api/v1/scanners", {
      token,
      body: { ...body, expression },
    });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    return res.body.details.map((d: { path: string; message: string }) =>
      `${d.path}: ${d.message}`
    );
  };
  assert.deepEqual(await problem("crossover(sma(close, 50) sma(close, 200))"), [
    'expression: Cannot parse expression at column 26: expected "," or ")", found "sma"',
  ]);
  assert.deepEqual(await problem("crossover(smma(close, 50), sma(close, 200))"), [
    'expression: Cannot parse expression at column 11: unknown function "smma"; expected one of ' +
    "sma, ema, rsi, bollinger_upper, bollinger_middle, bollinger_lower, macd_line, macd_signal, " +
    "macd_histogram, atr, highest, lowest, prev, abs, crossover, crossunder",
  ]);
  assert.deepEqual(await problem("rsi(close, 14, 3) > 70"), [
    "expression: Cannot use expression at column 1: rsi(series, period=14) takes 1 to 2 arguments, got 3",
  ]);
  assert.deepEqual(await problem("sma(price, 5) > 1"), [
    'expression: Cannot use expression at column 5: unknown name "price"; expected one of open, high, low, close, adj_close, volume',
  ]);
});

Deno.test("scanners: create, owner-scoped, preview lists the fire dates on stored bars", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const bob = await api.user();
  const closes = [10, 9, 8, 7, 8, 9, 10, 9, 8, 7];
  const bars: Bar[] = closes.map((close, i) => ({
    ticker: "AAPL",
    date: `2025-01-${String(i + 1).padStart(2, "0")}`,
    open: close,
    high: close,
    low: close,
    close,
    adj_close: close,
    volume: 1,
  }));
  await writeBars(api.db.sql, bars);
  const created = await api.call("POST", "/api/v1/scanners", { token: alice.token, body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.source, `scanner:${created.body.id}`);
  assert.deepEqual(created.body.tickers, ["AAPL"]);
  assert.equal(created.body.is_active, true);
  const id = created.body.id;
  const preview = await api.call("POST", `/api/v1/scanners/${id}/preview`, { token: alice.token });
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  // sma(2) − sma(3): −0.17 on the 5th bar (7.5 − 7.67), +0.5 on the 6th (8.5 − 8).
  assert.deepEqual(preview.body, {
    bars: 10,
    fires: [{ ticker: "AAPL", date: "2025-01-06", price: 9 }],
  });
  for (const [method, path] of [["GET", ""], ["POST", "/preview"], ["DELETE", ""]] as const) {
    const res = await api.call(method, `/api/v1/scanners/${id}${path}`, { token: bob.token });
    assert.equal(res.status, 404, `${method} ${path} as another user`);
  }
  const paused = await api.call("PUT", `/api/v1/scanners/${id}`, {
    token: alice.token,
    body: { ...body, is_active: false },
  });
  assert.equal(paused.body.is_active, false);
  assert.equal(
    (await api.call("GET", "/api/v1/scanners", { token: bob.token })).body.items.length,
    0,
  );
});

Deno.test("scanners: a user may have at most MAX_SCANNERS_PER_USER, even creating them at once; others are not counted", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const bob = await api.user();
  const create = (token: string, i: number) =>
    api.call("POST", "/api/v1/scanners", { token, body: { ...body, name: `s${i}` } });
  for (let i = 0; i < MAX_SCANNERS_PER_USER - 1; i++) {
    assert.equal((await create(alice.token, i)).status, 201, `scanner ${i}`);
  }
  // Six creates at once for the last place: one gets it (each counts under the owner's lock).
  const racing = await Promise.all(
    Array.from({ length: 6 }, (_, i) => create(alice.token, MAX_SCANNERS_PER_USER + i)),
  );
  assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  const over = racing.find((r) => r.status === 409)!;
  assert.equal(over.body.error, `A user may have at most ${MAX_SCANNERS_PER_USER} scanners`);
  assert.equal((await create(bob.token, 0)).status, 201, "bob's count is his own");
  const { items } = (await api.call("GET", "/api/v1/scanners", { token: alice.token })).body;
  assert.equal(items.length, MAX_SCANNERS_PER_USER);
});
