/** The signal pages in real Chromium: the list, one signal's lineage tree, and the analytics. */
import assert from "node:assert/strict";
import {
  launchBrowser,
  screenshot,
  serveApp,
  signUp,
  WIDTHS,
} from "../../../../tests/fixtures/browser.ts";
import { createTestApi } from "../../test_api.ts";
import { insertPipeline } from "../../../../tests/fixtures/pipelines.ts";

Deno.test({
  name: "signal pages: the list links to a lineage tree of the viewer's decisions, and analytics",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using api = await createTestApi();
    const { sql } = api.db;
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    const { email } = await signUp(page, server.url);
    const [user] = await sql<{ id: string }[]>`select id from users where email = ${email}`;
    const trader = await insertPipeline(sql, user!.id, { name: "AAPL Trader" });
    await insertPipeline(sql, user!.id, {
      name: "Picky",
      signal_filter: { min_confidence: 90 },
    });
    const other = await sql<{ id: string }[]>`
      insert into users (email, password_hash) values ('other@browser.test', 'x') returning id`;
    await insertPipeline(sql, other[0]!.id, { name: "Someone else's" });
    // Postgres' own clock, after the pipelines' versions began: a signal stamped in the future
    // would fall outside the analytics page's window (which ends at the request) on a fast run.
    const [{ now }] = await sql<[{ now: string }]>`select now()::text as now`;
    await sql`insert into signal_log ${
      sql({
        signal_id: "rsi:AAPL:2026-01-05",
        ticker: "AAPL",
        direction: "BULLISH",
        confidence: 85,
        scanner: "rsi",
        topic: "trading-signals",
        partition: 2,
        kafka_offset: 41,
        emitted_at: now,
        received_at: now,
        decided_at: now,
      })
    }`;
    const [execution] = await sql<{ id: string }[]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, signal_id, status, active_slot,
        queued_at, started_at, finished_at, steps)
      values (${trader.id}, 'signal', 'rsi:AAPL:2026-01-05', 'succeeded', null, ${now},
        ${now}::timestamptz + interval '5 ms', ${now}::timestamptz + interval '30 ms',
        '[{"id": "note", "agent": "log", "status": "succeeded"}]')
      returning id`;

    await page.goto(`${server.url}/signals`);
    await page.getByRole("heading", { name: "Signals" }).waitFor();
    assert.equal(
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", {
        name: "Signals",
      }).getAttribute("aria-current"),
      "page",
    );
    await page.getByLabel("Ticker").fill("aapl");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("cell", { name: "trading-signals/2@41" }).waitFor();
    await page.getByRole("row").nth(1).getByRole("link").click();

    const tree = page.getByRole("list", { name: "What your pipelines did" });
    await tree.waitFor();
    const items = tree.locator(":scope > li");
    assert.deepEqual(await items.evaluateAll((li) => li.map((l) => l.dataset.decision)), [
      "claimed",
      "filtered",
    ]);
    await tree.getByText("filtered by min_confidence").waitFor();
    assert.equal(
      await tree.getByRole("link", { name: "Execution" }).getAttribute("href"),
      `/executions/${execution!.id}`,
    );
    await tree.getByText("Step note").waitFor();
    assert.equal(await page.getByText("Someone else's").count(), 0, "another user's pipeline");
    await screenshot(page, "signal-lineage");

    await page.goto(`${server.url}/analytics`);
    const funnel = page.getByRole("figure", { name: "Funnel of AAPL Trader" });
    await funnel.waitFor();
    assert.equal(await funnel.locator('[data-count="signals"]').innerText(), "1");
    assert.equal(await funnel.locator('[data-count="succeeded"]').innerText(), "1");
    assert.deepEqual(
      await page.locator("figure.funnel").evaluateAll((f) => f.map((x) => x.ariaLabel)),
      ["Funnel of AAPL Trader", "Funnel of Picky"],
      "pipelines by name",
    );
    await page.getByRole("heading", { name: "Signal quality after 5 bars" }).waitFor();
    await page.setViewportSize({ width: WIDTHS.phone, height: 900 });
    // Stacked on a phone, the cards keep a gap between them, inside the grid and around it.
    const gaps = await page.locator("main .card").evaluateAll((cards) =>
      cards.slice(1).map((card, i) =>
        Math.round(card.getBoundingClientRect().top - cards[i]!.getBoundingClientRect().bottom)
      )
    );
    assert.ok(gaps.length >= 3 && gaps.every((gap) => gap >= 10), `gaps ${gaps.join(", ")}`);
    // Every label and value on one line, clear of its bar, and nothing cut off at a card's edge.
    const rows = await page.locator(".waterfall > [role=listitem]").evaluateAll((items) =>
      items.map((item) => {
        const [label, track, value] = [...item.children].map((c) => ({
          box: c.getBoundingClientRect(),
          overflows: c.scrollWidth > c.clientWidth,
          lineHeight: parseFloat(c.ownerDocument.defaultView!.getComputedStyle(c).lineHeight),
        }));
        return {
          text: item.textContent,
          lines: [label!, value!].map((c) => Math.round(c.box.height / c.lineHeight)),
          clear: label!.box.right <= track!.box.left && track!.box.right <= value!.box.left &&
            !label!.overflows && !value!.overflows,
        };
      })
    );
    assert.ok(rows.length >= 15, `${rows.length} rows`);
    for (const row of rows) {
      assert.ok(row.clear && row.lines.every((n) => n === 1), JSON.stringify(row));
    }
    const empty = page.getByText("No signal with a bar date in the last 30 days.");
    const [text, card] = await Promise.all([
      empty.boundingBox(),
      page.locator("section", { has: empty }).boundingBox(),
    ]);
    assert.ok(text!.x + text!.width <= card!.x + card!.width, "the empty note fits its card");
    await screenshot(page, "analytics");
  },
});
