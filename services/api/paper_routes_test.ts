import assert from "node:assert/strict";
import { OpenAPIHono } from "@hono/zod-openapi";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import type { Sql } from "../../shared/db.ts";
import { bookOrder, type OrderRequest } from "../../shared/ledger/book_order.ts";
import { orderRequest } from "../../tests/fixtures/paper_orders.ts";
import { writeBars } from "../../shared/market/bars_store.ts";
import { ApiError } from "./api_error.ts";
import type { ApiEnv } from "./api_env.ts";
import { paperRoutes } from "./paper_routes.ts";
import { createTestApi } from "./test_api.ts";

/** The routes behind a stand-in for bearer auth: `x-test-user` becomes `userId`. */
function paperApp(sql: Sql) {
  const app = new OpenAPIHono<ApiEnv>();
  app.use("*", async (c, next) => {
    c.set("userId", c.req.header("x-test-user")!);
    await next();
  });
  app.route("/", paperRoutes({ sql }));
  app.onError((e, c) => e instanceof ApiError ? c.json(e.body(), e.status) : c.text("bug", 500));
  return async (user: string, path: string) => {
    const response = await app.request(path, { headers: { "x-test-user": user } });
    return { status: response.status, body: await response.json() };
  };
}

const buy = (owner: string, fields: Partial<OrderRequest> = {}) =>
  orderRequest(owner, { quantity: 10, price: 100, fees: { fixed: 1, bps: 0 }, ...fields });

Deno.test("paper routes: accounts, positions, orders and equity of the caller only", async () => {
  await using db = await createTestDatabase();
  const alice = await insertUser(db.sql);
  const bob = await insertUser(db.sql);
  const call = paperApp(db.sql);
  await bookOrder(db.sql, buy(alice));
  await bookOrder(db.sql, buy(alice, { side: "sell", quantity: 4, price: 110 }));
  await bookOrder(db.sql, buy(alice, { ticker: "MSFT", quantity: 5, price: 200 }));
  await writeBars(db.sql, [{
    ticker: "AAPL",
    date: "2024-01-03",
    open: 120,
    high: 120,
    low: 120,
    close: 120,
    adj_close: 120,
    volume: 0,
  }]);

  const accounts = await call(alice, "/accounts");
  assert.equal(accounts.status, 200);
  assert.equal(accounts.body.items.length, 1);
  const account = accounts.body.items[0];
  // Cash: 100 000 − 1001 + 439 − 1001 = 98 437; AAPL 6 × 120 + MSFT 5 × 200 (no bar: cost).
  assert.deepEqual({ ...account, id: "", created_at: "" }, {
    id: "",
    name: "default",
    currency: "USD",
    starting_cash: 100_000,
    cash: 98_437,
    equity: 98_437 + 720 + 1000,
    unrealised_pnl: 120,
    realised_pnl: 40,
    fees_paid: 3,
    created_at: "",
  });
  assert.deepEqual((await call(bob, "/accounts")).body, { items: [] });

  const positions = await call(alice, `/accounts/${account.id}/positions`);
  assert.deepEqual(positions.body.items.map((p: { ticker: string }) => p.ticker), ["AAPL", "MSFT"]);
  assert.deepEqual(positions.body.items[0], {
    ticker: "AAPL",
    quantity: 6,
    avg_price: 100,
    realised_pnl: 40,
    mark: 120,
    market_value: 720,
    unrealised_pnl: 120,
  });

  for (const path of ["positions", "orders", "equity"]) {
    const other = await call(bob, `/accounts/${account.id}/${path}`);
    assert.equal(other.status, 404, path);
    assert.equal(other.body.error, `Paper account "${account.id}" not found`);
  }
  assert.equal((await call(alice, "/accounts/not-a-uuid/orders")).status, 404);
});

Deno.test("paper routes: orders and equity page newest first", async () => {
  await using db = await createTestDatabase();
  const alice = await insertUser(db.sql);
  const call = paperApp(db.sql);
  for (const quantity of [1, 2, 3]) await bookOrder(db.sql, buy(alice, { quantity }));
  const { body: { items: [account] } } = await call(alice, "/accounts");

  const first = await call(alice, `/accounts/${account.id}/orders?limit=2`);
  assert.deepEqual(first.body.items.map((o: { quantity: number }) => o.quantity), [3, 2]);
  assert.equal(first.body.items[0].status, "filled");
  assert.equal(first.body.items[0].fill_price, 100);
  const second = await call(
    alice,
    `/accounts/${account.id}/orders?limit=2&cursor=${first.body.next_cursor}`,
  );
  assert.deepEqual(second.body.items.map((o: { quantity: number }) => o.quantity), [1]);
  assert.equal(second.body.next_cursor, null);

  // Equity after each fill: 100 000 − 1 fee per order (fills at the mark).
  const equity = await call(alice, `/accounts/${account.id}/equity?limit=2`);
  assert.deepEqual(
    equity.body.items.map((s: { equity: number; cash: number }) => [s.equity, s.cash]),
    [[99_997, 99_397], [99_998, 99_698]],
  );
  const rest = await call(
    alice,
    `/accounts/${account.id}/equity?limit=2&cursor=${equity.body.next_cursor}`,
  );
  assert.deepEqual(rest.body.items.map((s: { equity: number }) => s.equity), [99_999]);
  assert.equal(rest.body.next_cursor, null);

  const bad = await call(alice, `/accounts/${account.id}/orders?cursor=nope`);
  assert.equal(bad.status, 400);
});

Deno.test("paper routes: mounted at /api/v1/paper behind bearer auth", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const bob = await api.user();
  await bookOrder(api.db.sql, buy(alice.id));
  assert.equal((await api.call("GET", "/api/v1/paper/accounts")).status, 401);
  const mine = await api.call("GET", "/api/v1/paper/accounts", { token: alice.token });
  assert.equal(mine.status, 200);
  assert.equal(mine.body.items[0].cash, 100_000 - 1001);
  const path = `/api/v1/paper/accounts/${mine.body.items[0].id}/orders`;
  assert.equal((await api.call("GET", path, { token: alice.token })).body.items.length, 1);
  assert.equal((await api.call("GET", path, { token: bob.token })).status, 404);
});

Deno.test("paper routes: open an account, trade, read its stats, reset it; another user sees none of it", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const bob = await api.user();
  const as = (user: { token: string }) => (method: string, path: string, body?: unknown) =>
    api.call(method, `/api/v1/paper${path}`, { token: user.token, ...body ? { body } : {} });
  const created = await as(alice)("POST", "/accounts", {
    name: "swing",
    starting_cash: 50_000,
    currency: "EUR",
  });
  assert.equal(created.status, 201);
  assert.deepEqual(
    (({ name, currency, starting_cash, cash, equity }) => ({
      name,
      currency,
      starting_cash,
      cash,
      equity,
    }))(created.body),
    { name: "swing", currency: "EUR", starting_cash: 50_000, cash: 50_000, equity: 50_000 },
  );
  const id = created.body.id;
  assert.equal((await as(alice)("POST", "/accounts", { name: "swing" })).status, 409);
  assert.equal((await as(alice)("POST", "/accounts", { name: "-bad" })).status, 422);
  // Bob may use the same name: accounts are per user.
  assert.equal((await as(bob)("POST", "/accounts", { name: "swing" })).status, 201);

  // A round trip: buy 10 at 100, sell 10 at 120, one fee of 1 each: P&L 198, a win.
  const order = (fields: Partial<OrderRequest>) =>
    bookOrder(api.db.sql, buy(alice.id, { account: "swing", ...fields }));
  await order({});
  await order({ side: "sell", price: 120, bar_date: "2024-01-09" });
  const stats = await as(alice)("GET", `/accounts/${id}/stats`);
  assert.equal(stats.status, 200);
  assert.deepEqual(
    stats.body.trades.map((t: Record<string, unknown>) => [t.side, t.quantity, t.pnl, t.exit_date]),
    [["long", 10, 198, "2024-01-09"]],
  );
  assert.equal(stats.body.stats.trades, 1);
  assert.equal(stats.body.stats.win_rate_pct, 100);

  assert.equal((await as(bob)("GET", `/accounts/${id}/stats`)).status, 404);
  assert.equal((await as(bob)("POST", `/accounts/${id}/reset`)).status, 404);
  const reset = await as(alice)("POST", `/accounts/${id}/reset`);
  assert.equal(reset.status, 200);
  assert.equal(reset.body.cash, 50_000);
  assert.equal(reset.body.realised_pnl, 0);
  const orders = await as(alice)("GET", `/accounts/${id}/orders`);
  assert.deepEqual(orders.body.items, []);
  const [left] = await api.db.sql<[{ count: number }]>`
    select count(*)::int from paper_positions where account_id = ${id}`;
  assert.equal(left.count, 0);
});
