/**
 * "Listens to" and confluence in the pipeline form, in real Chromium: pick the owner's sources,
 * require 2 of them in order, see the error beside k, save, and keep it all (and the paper
 * account, which the form does not show) through an edit.
 */
import assert from "node:assert/strict";
import {
  launchBrowser,
  screenshot,
  serveApp,
  signUp,
  WIDTHS,
} from "../../../../tests/fixtures/browser.ts";
import { createTestApi } from "../../test_api.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "pipeline form: listen to chosen sources with a 2-of-2 ordered confluence",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    const { email } = await signUp(page, server.url);
    const [user] = await api.db.sql<[{ id: string }]>`select id from users where email = ${email}`;
    const [webhook] = await api.db.sql<[{ id: string }]>`
      insert into signal_sources (owner_id, name, secret_sealed)
      values (${user.id}, 'TradingView', '\\x00') returning id`;
    const [scanner] = await api.db.sql<[{ id: string }]>`
      insert into user_scanners (owner_id, name, tickers, expression, direction, confidence)
      values (${user.id}, 'Crosses', '["AAPL"]', 'crossover(close, 100)', 'BULLISH', 60)
      returning id`;

    await page.goto(`${server.url}/pipelines/new`);
    await page.getByLabel("Name").fill("Agreement");
    await page.getByLabel("Other tickers").fill("AAPL");
    await page.getByLabel("Public signals").uncheck();
    await page.getByLabel("Only the ones checked").check();
    await page.getByLabel("TradingView (webhook)").check();
    await page.getByLabel("Run only when several sources agree").check();
    await page.getByLabel("Sources that must agree (k)").fill("3");
    await page.getByLabel("Confluence source 1").selectOption(`webhook:${webhook.id}`);
    await page.getByLabel("Confluence source 2").selectOption(`scanner:${scanner.id}`);
    await page.getByLabel("Within (seconds)").fill("600");
    await page.getByLabel("In this order").check();
    await page.getByRole("button", { name: "Save" }).click();

    const k = page.getByLabel("Sources that must agree (k)");
    assert.equal(await k.getAttribute("aria-invalid"), "true");
    await page.getByText('must be at most the number of sources in "of"').waitFor();
    assert.equal(
      await page.getByLabel("Confluence source 2").inputValue(),
      `scanner:${scanner.id}`,
      "the form kept what was picked",
    );
    assert.equal(await page.getByLabel("Public signals").isChecked(), false);
    await screenshot(page, "pipeline-form-confluence");

    await k.fill("2");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Agreement" }).waitFor();
    const expected = {
      public: false,
      sources: [`webhook:${webhook.id}`],
      confluence: {
        k: 2,
        of: [`webhook:${webhook.id}`, `scanner:${scanner.id}`],
        within_seconds: 600,
        ordered: true,
      },
    };
    const stored = async () =>
      (await api.db.sql<[{ listen_to: unknown; account: string | null }]>`
        select listen_to, account from pipelines where name = 'Agreement'`)[0];
    assert.deepEqual((await stored()).listen_to, expected);
    await page.getByText(
      "your sources; runs when 2 of TradingView, Crosses agree within 600 s, in that order",
      { exact: false },
    ).waitFor();

    // An edit that changes nothing keeps listen_to, and the account the form does not show.
    await api.db.sql`update pipelines set account = 'Shared desk' where name = 'Agreement'`;
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Agreement" }).waitFor();
    assert.deepEqual(await stored(), { listen_to: expected, account: "Shared desk" });
  },
});
