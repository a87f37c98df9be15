/** The paper account page in real Chromium: equity curve, positions, orders, candles with markers. */
import assert from "node:assert/strict";
import {
  launchBrowser,
  screenshot,
  serveApp,
  signUp,
  WIDTHS,
} from "../../../../tests/fixtures/browser.ts";
import { createTestApi } from "../../test_api.ts";

Deno.test({
  name: "paper account: equity curve, open positions, orders and a price chart with markers",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    await page.goto(`${server.url}/sign-in`);
    const { email } = await signUp(page, server.url);
    await page.getByRole("link", { name: "Paper account" }).click();
    await page.getByText("No paper account yet").waitFor();

    const sql = api.db.sql;
    const [user] = await sql<[{ id: string }]>`select id from users where email = ${email}`;
    const [account] = await sql<[{ id: string }]>`
      insert into paper_accounts (owner_id, name, starting_cash, cash)
      values (${user.id}, 'default', 100000, 98850) returning id`;
    for (let day = 1; day <= 30; day++) {
      const date = `2024-03-${String(day).padStart(2, "0")}`;
      const close = 100 + day;
      await sql`
        insert into market_bars (ticker, date, open, high, low, close, adj_close, volume)
        values ('AAPL', ${date}, ${close - 1}, ${close + 2}, ${
        close - 2
      }, ${close}, ${close}, 1000)`;
    }
    const [pipeline] = await sql<[{ id: string }]>`
      insert into pipelines (owner_id, name, trigger_mode, scanner_tickers)
      values (${user.id}, 'Golden', 'signal', '["AAPL"]') returning id`;
    const [execution] = await sql<[{ id: string }]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, status, finished_at, signal_id, signal)
      values (${pipeline.id}, 'signal', 'succeeded', now(), 'gc-AAPL-2024-03-10', ${
      sql.json({
        ticker: "AAPL",
        signal: "BULLISH",
        confidence: 80,
        scanner: "golden_cross",
        bar_date: "2024-03-10",
        price: 110,
      })
    }) returning id`;
    await sql`
      insert into paper_orders (account_id, execution_id, step_id, ticker, side, quantity,
        requested_price, fill_price, status, bar_date)
      values (${account.id}, ${execution.id}, 'buy', 'AAPL', 'buy', 10, 110, 115, 'filled', '2024-03-11')`;
    await sql`
      insert into paper_positions (account_id, ticker, quantity, avg_price)
      values (${account.id}, 'AAPL', 10, 115)`;
    await sql`
      insert into paper_equity_snapshots (account_id, at, equity, cash) values
        (${account.id}, now() - interval '2 days', 100000, 100000),
        (${account.id}, now() - interval '1 day', 100000, 98850),
        (${account.id}, now(), 100150, 98850)`;

    await page.reload();
    await page.getByRole("heading", { name: "Paper account" }).waitFor();
    await page.locator('[data-chart][data-drawn="true"]').nth(1).waitFor();
    assert.equal(await page.locator("[data-chart] canvas").count() > 0, true, "charts drew");
    const candles = page.getByRole("img", {
      name: /Daily candles of AAPL with 2 signal and fill markers/,
    });
    assert.equal(await candles.count(), 1);
    const positions = await page.getByRole("table", { name: "Open positions" }).innerText();
    assert.match(positions, /AAPL\s+10\s+115\.00\s+130\.00\s+150\.00/);
    const orders = await page.getByRole("table", { name: "Orders, newest first" }).innerText();
    assert.match(orders, /AAPL\s+buy\s+10\s+115\.00\s+filled/);
    await screenshot(page, "paper");
    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    await screenshot(page, "paper");

    // Another user's account id in the query falls back to one's own (here: none).
    const other = await api.user();
    const [theirs] = await sql<[{ id: string }]>`
      insert into paper_accounts (owner_id, name, starting_cash, cash)
      values (${other.id}, 'theirs', 5, 5) returning id`;
    await page.goto(`${server.url}/paper?account=${theirs.id}`);
    assert.equal(await page.getByText("theirs").count(), 0);
  },
});
