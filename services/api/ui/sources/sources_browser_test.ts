/**
 * Webhook sources in real Chromium: errors beside their fields, create and see the URL and secret
 * once, a delivery in the log, rotate, delete, and another user's source not found.
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
  name:
    "sources page: errors beside fields, create shows the URL and secret once, log, rotate, delete",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    await signUp(page, server.url);
    await page.getByRole("link", { name: "Sources" }).click();
    await page.getByRole("heading", { name: "Signal sources" }).waitFor();
    await page.getByText("No webhook sources yet").waitFor();

    await page.getByLabel("Max lag (seconds)").fill("soon");
    await page.getByRole("button", { name: "Create source" }).click();
    const errorOf = (label: string) =>
      page.getByLabel(label).evaluate((el) => ({
        invalid: el.getAttribute("aria-invalid"),
        text: el.ownerDocument.getElementById(el.getAttribute("aria-describedby") ?? "")
          ?.textContent,
      }));
    assert.deepEqual(await errorOf("Name"), { invalid: "true", text: "must not be empty" });
    assert.deepEqual(await errorOf("Max lag (seconds)"), {
      invalid: "true",
      text: "must be a number of seconds",
    });
    assert.equal(await page.getByLabel("Max lag (seconds)").inputValue(), "soon", "kept as typed");
    await screenshot(page, "sources-errors");

    await page.getByLabel("Name").fill("TradingView");
    await page.getByLabel("Max lag (seconds)").fill("60");
    await page.getByRole("button", { name: "Create source" }).click();
    await page.getByRole("heading", { name: "TradingView" }).waitFor();
    const secret = await page.getByLabel("Secret", { exact: true }).inputValue();
    const url = await page.getByLabel("Webhook URL").inputValue();
    assert.match(secret, /^tws_[\w-]{32}$/);
    const [source] = await api.db.sql<[{ id: string }]>`select id from signal_sources`;
    assert.equal(url, `${server.url}/hooks/${source.id}`);
    assert.match(
      await page.getByLabel("TradingView alert message").inputValue(),
      /"secret": "tws_/,
    );
    await screenshot(page, "source-created");

    // A sender with the wrong secret: refused, and the refusal is in the log; the secret is gone.
    const refused = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secret: "tws_wrong", ticker: "AAPL", signal: "BULLISH" }),
    });
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    await page.reload();
    assert.equal(await page.getByLabel("Secret", { exact: true }).count(), 0, "shown only once");
    await page.getByRole("row", { name: /bad secret/ }).waitFor();
    await screenshot(page, "source");

    await page.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = await page.getByLabel("Secret", { exact: true }).inputValue();
    assert.match(rotated, /^tws_/);
    assert.notEqual(rotated, secret);

    await page.getByRole("link", { name: "Sources" }).click();
    const row = page.getByRole("row", { name: /TradingView/ });
    assert.match(await row.innerText(), new RegExp(`/hooks/${source.id}[\\s\\S]*60 s`));
    await screenshot(page, "sources");
    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    await screenshot(page, "sources");
    await page.goto(`${server.url}/sources/${source.id}`);
    await screenshot(page, "source");

    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No webhook sources yet").waitFor();
    assert.equal((await api.db.sql`select 1 from signal_sources`).length, 0);
  },
});

Deno.test({
  name: "sources page: another user's source shows not found and cannot be rotated",
  ...options,
  async fn() {
    await using api = await createTestApi();
    const other = await api.user();
    const created = await api.call("POST", "/api/v1/signal-sources", {
      token: other.token,
      body: { name: "Theirs" },
    });
    assert.equal(created.status, 201);
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 800 } });
    await signUp(page, server.url);
    const res = await page.goto(`${server.url}/sources/${created.body.id}`);
    assert.equal(res?.status(), 404);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute("content");
    const rotate = await page.request.post(`${server.url}/sources/${created.body.id}/rotate`, {
      headers: { "x-csrf-token": csrf ?? "" },
    });
    assert.equal(rotate.status(), 404);
    assert.doesNotMatch(await rotate.text(), /tws_/);
    await page.goto(`${server.url}/sources`);
    assert.equal(await page.getByText("Theirs").count(), 0);
  },
});
