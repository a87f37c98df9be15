/**
 * Expression scanners in real Chromium: the live check while typing, errors beside their fields,
 * create and see the preview (fires on the chart and in the table), list, edit, delete, and
 * another user's scanner not found.
 */
import assert from "node:assert/strict";
import {
  launchBrowser,
  screenshot,
  serveApp,
  signUp,
  WIDTHS,
} from "../../../../tests/fixtures/browser.ts";
import { createTestApi, type TestApi } from "../../test_api.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

/** 60 daily closes of `ticker` that cross 100 upward twice (days 20 and 45). */
async function seedBars(api: TestApi, ticker: string) {
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 60; i++) {
    const close = i < 20 ? 95 : i < 30 ? 105 : i < 45 ? 96 : 104;
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    await api.db.sql`
      insert into market_bars (ticker, date, open, high, low, close, adj_close, volume)
      values (${ticker}, ${date}, ${close}, ${close + 1}, ${close - 1}, ${close}, ${close}, 1000)`;
  }
}

Deno.test({
  name: "scanners page: live check, errors beside fields, create with a preview, edit, delete",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await seedBars(api, "AAPL");
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    await signUp(page, server.url);
    await page.getByRole("link", { name: "Scanners" }).click();
    await page.getByRole("heading", { name: "Scanners" }).waitFor();
    await page.getByRole("link", { name: "New scanner" }).first().click();

    // The check under the field answers while typing, before anything is submitted.
    await page.getByLabel("Expression").fill("crossover(close, foo(close))");
    const check = page.locator("#expression-check");
    await page.getByText(/column 18: unknown function "foo"/).waitFor();
    assert.equal(await check.getAttribute("class"), "error");
    await page.getByLabel("Expression").fill("crossover(close, 100)");
    await page.getByText("The expression parses.").waitFor();
    await page.getByLabel("Expression").fill("crossover(close, foo(close))");
    await page.getByLabel("Confidence").fill("150");
    await page.getByRole("button", { name: "Save" }).click();

    const errorOf = (label: string) =>
      page.getByLabel(label, { exact: true }).evaluate((el) => ({
        invalid: el.getAttribute("aria-invalid"),
        text: el.ownerDocument.getElementById(el.getAttribute("aria-describedby") ?? "")
          ?.textContent,
      }));
    assert.deepEqual(await errorOf("Name"), { invalid: "true", text: "must not be empty" });
    assert.equal((await errorOf("Tickers")).text, "must name at least one ticker");
    assert.match((await errorOf("Expression")).text ?? "", /column 18: unknown function "foo"/);
    assert.match((await errorOf("Confidence")).text ?? "", /100/);
    assert.equal(await page.getByLabel("Expression").inputValue(), "crossover(close, foo(close))");
    await screenshot(page, "scanner-form-errors");
    assert.equal((await api.db.sql`select 1 from user_scanners`).length, 0, "nothing stored");

    await page.getByLabel("Name").fill("Crosses 100");
    await page.getByLabel("Tickers").fill("aapl");
    await page.getByLabel("Expression").fill("crossover(close, 100)");
    await page.getByLabel("Confidence").fill("70");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Crosses 100" }).waitFor();
    await page.getByText("2 fires on 60 stored bars.").waitFor();
    const fires = page.getByRole("table", { name: "Days the scanner fires, newest first" });
    assert.deepEqual(
      await fires.locator("tbody tr").allInnerTexts(),
      ["2024-02-15\tAAPL\t104.00", "2024-01-21\tAAPL\t105.00"],
    );
    await page.locator('[data-chart][data-drawn="true"]').waitFor();
    await screenshot(page, "scanner");

    await page.getByRole("link", { name: "Scanners" }).click();
    const row = page.getByRole("row", { name: /Crosses 100/ });
    assert.match(
      await row.innerText(),
      /crossover\(close, 100\)[\s\S]*AAPL[\s\S]*BULLISH 70[\s\S]*active/,
    );
    await screenshot(page, "scanners");
    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    await screenshot(page, "scanners");

    await row.getByRole("link", { name: "Crosses 100" }).click();
    await page.getByRole("link", { name: "Edit" }).click();
    await screenshot(page, "scanner-form");
    await page.getByLabel("Name").fill("Crosses 100 down");
    await page.getByLabel("Direction").selectOption("BEARISH");
    await page.getByLabel("Expression").fill("crossunder(close, 100)");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Crosses 100 down" }).waitFor();
    await page.getByText("1 fire on 60 stored bars.").waitFor();
    await screenshot(page, "scanner");
    const [stored] = await api.db.sql<[{ direction: string; expression: string }]>`
      select direction, expression from user_scanners`;
    assert.deepEqual({ ...stored }, { direction: "BEARISH", expression: "crossunder(close, 100)" });

    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No scanners yet").waitFor();
    assert.equal((await api.db.sql`select 1 from user_scanners`).length, 0);
  },
});

Deno.test({
  name: "scanners page: another user's scanner shows not found, for reading and editing",
  ...options,
  async fn() {
    await using api = await createTestApi();
    const other = await api.user();
    const created = await api.call("POST", "/api/v1/scanners", {
      token: other.token,
      body: { name: "Theirs", tickers: ["AAPL"], expression: "close > 1", direction: "BULLISH" },
    });
    assert.equal(created.status, 201);
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 800 } });
    await signUp(page, server.url);
    for (const path of [`/scanners/${created.body.id}`, `/scanners/${created.body.id}/edit`]) {
      const res = await page.goto(`${server.url}${path}`);
      assert.equal(res?.status(), 404);
      await page.getByRole("heading", { name: "Not found" }).waitFor();
    }
    await page.goto(`${server.url}/scanners`);
    assert.equal(await page.getByText("Theirs").count(), 0);
  },
});
