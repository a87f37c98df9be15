/** The pipeline form in real Chromium: create with the dropdown and multi-select, errors, keyboard. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  launchBrowser,
  screenshot,
  serveApp,
  signUp,
  WIDTHS,
} from "../../../../tests/fixtures/browser.ts";
import { createTestApi, type TestApi } from "../../test_api.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

async function seedBars(api: TestApi) {
  for (const ticker of ["AAPL", "MSFT", "NVDA"]) {
    await api.db.sql`
      insert into market_bars (ticker, date, open, high, low, close, adj_close, volume)
      values (${ticker}, '2024-01-02', 10, 11, 9, 10.5, 10.5, 1000)`;
  }
}

async function storedPipelines(api: TestApi, email: string) {
  return await api.db.sql<
    {
      id: string;
      name: string;
      trigger_mode: string;
      scanner_tickers: string[];
      config: { steps: { id: string; agent: string; params: Record<string, unknown> }[] };
      signal_filter: unknown;
    }[]
  >`
    select p.* from pipelines p join users u on u.id = p.owner_id where u.email = ${email}
    order by p.created_at`;
}

async function newPipeline(page: Page, base: string) {
  await page.goto(`${base}/pipelines`);
  await page.getByRole("link", { name: "New pipeline" }).click();
  await page.getByLabel("Name").waitFor();
}

Deno.test({
  name: "pipeline form: create a signal pipeline with the dropdown, the multi-select and a step",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await seedBars(api);
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    const { email } = await signUp(page, server.url);
    await newPipeline(page, server.url);

    assert.deepEqual(
      await page.getByLabel("Scanner tickers").locator("option").allInnerTexts(),
      ["AAPL", "MSFT", "NVDA"],
      "the multi-select offers the tickers seen in market data",
    );
    await page.getByLabel("Trigger mode").selectOption("periodic");
    assert.equal(await page.getByLabel("Every (seconds)").isVisible(), true);
    await page.getByLabel("Trigger mode").selectOption("signal");
    assert.equal(
      await page.getByLabel("Every (seconds)").isVisible(),
      false,
      "schedule only for periodic",
    );

    await page.getByLabel("Name").fill("AAPL Trader");
    await page.getByLabel("Scanner tickers").selectOption(["AAPL", "MSFT"]);
    await page.getByLabel("Other tickers").fill("tsla");
    await page.getByLabel("BULLISH").check();
    await page.getByLabel("Min confidence").fill("60");
    await page.getByLabel("Agent", { exact: true }).selectOption("log");
    await page.getByRole("button", { name: "Add step" }).click();
    await page.getByLabel("message").fill("signal received");
    await page.getByLabel("Step id").fill("note");
    await screenshot(page, "pipeline-form");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "AAPL Trader" }).waitFor();

    const [stored] = await storedPipelines(api, email);
    assert.ok(stored);
    assert.equal(stored.trigger_mode, "signal");
    assert.deepEqual(stored.scanner_tickers, ["AAPL", "MSFT", "TSLA"]);
    assert.deepEqual(stored.signal_filter, { signals: ["BULLISH"], min_confidence: 60 });
    assert.deepEqual(stored.config.steps, [
      { id: "note", agent: "log", params: { message: "signal received" } },
    ]);
    await screenshot(page, "pipeline");

    await page.getByRole("link", { name: "Pipelines" }).click();
    const row = page.getByRole("row", { name: /AAPL Trader/ });
    await row.waitFor();
    assert.match(await row.innerText(), /signal[\s\S]*AAPL[\s\S]*MSFT[\s\S]*active[\s\S]*never/);
    await screenshot(page, "pipelines");
    await row.getByRole("button", { name: /Pause/ }).click();
    await page.getByRole("row", { name: /AAPL Trader.*paused/ }).waitFor();

    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    await screenshot(page, "pipelines");
    await page.goto(`${server.url}/pipelines/${stored.id}`);
    await screenshot(page, "pipeline");
    await page.goto(`${server.url}/pipelines/${stored.id}/edit`);
    await screenshot(page, "pipeline-form");
    assert.equal(await page.getByLabel("Name").inputValue(), "AAPL Trader");
    await page.getByLabel("Name").fill("AAPL Trader 2");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "AAPL Trader 2" }).waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No pipelines yet").waitFor();
    assert.equal((await storedPipelines(api, email)).length, 0);
  },
});

Deno.test({
  name: "pipeline form: errors show beside their fields and the form keeps what was typed",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    const { email } = await signUp(page, server.url);
    await newPipeline(page, server.url);
    await page.getByLabel("Name").fill("   ");
    await page.getByLabel("Other tickers").fill("");
    await page.getByLabel("Max attempts").fill("500");
    await page.getByLabel("Min confidence").fill("150");
    await page.getByLabel("Description").fill("kept as typed");
    await page.getByRole("button", { name: "Save" }).click();

    const errorOf = (label: string) =>
      page.getByLabel(label).evaluate((el) => {
        const id = el.getAttribute("aria-describedby") ?? "";
        return {
          invalid: el.getAttribute("aria-invalid"),
          text: el.ownerDocument.getElementById(id)?.textContent ?? "",
        };
      });
    assert.deepEqual(await errorOf("Name"), { invalid: "true", text: "must not be empty" });
    assert.equal((await errorOf("Scanner tickers")).invalid, "true");
    assert.match((await errorOf("Scanner tickers")).text, /at least one ticker/);
    assert.match((await errorOf("Max attempts")).text, /100/);
    assert.match((await errorOf("Min confidence")).text, /100/);
    assert.equal(await page.getByLabel("Description").inputValue(), "kept as typed");
    assert.equal(await page.getByLabel("Max attempts").inputValue(), "500");
    await screenshot(page, "pipeline-form-errors");
    assert.equal((await storedPipelines(api, email)).length, 0, "nothing stored");
  },
});

Deno.test({
  name: "pipeline pages: another user's pipeline and execution URLs show not found",
  ...options,
  async fn() {
    await using api = await createTestApi();
    const other = await api.user();
    const created = await api.call("POST", "/api/v1/pipelines", {
      token: other.token,
      body: { name: "Theirs", trigger_mode: "signal", scanner_tickers: ["AAPL"] },
    });
    assert.equal(created.status, 201);
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 800 } });
    await signUp(page, server.url);
    for (const path of [`/pipelines/${created.body.id}`, `/pipelines/${created.body.id}/edit`]) {
      const res = await page.goto(`${server.url}${path}`);
      assert.equal(res?.status(), 404);
      await page.getByRole("heading", { name: "Not found" }).waitFor();
      assert.equal(await page.getByText("Theirs").count(), 0);
    }
    const events = await page.request.get(`${server.url}/pipelines/${created.body.id}/events`);
    assert.equal(events.status(), 404);
    const list = await page.goto(`${server.url}/pipelines`);
    assert.equal(list?.status(), 200);
    assert.equal(await page.getByText("Theirs").count(), 0);
  },
});

Deno.test({
  name: "pipeline form: a pipeline can be created with the keyboard alone",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await seedBars(api);
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    const { email } = await signUp(page, server.url);
    // From the top of the list page: tab to "New pipeline" and press Enter.
    const focused = async () =>
      await page.locator(":focus").count() === 0
        ? ""
        : await page.locator(":focus").evaluate((el) => {
          const label = el.id ? el.ownerDocument.querySelector(`label[for="${el.id}"]`) : null;
          return label?.textContent || el.textContent || "";
        });
    for (let i = 0; i < 20 && (await focused()).trim() !== "New pipeline"; i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await page.getByLabel("Name").waitFor();
    const tabTo = async (label: string) => {
      for (let i = 0; i < 40 && (await focused()).trim() !== label; i++) {
        await page.keyboard.press("Tab");
      }
      assert.equal((await focused()).trim(), label);
    };
    await tabTo("Name");
    await page.keyboard.type("Keyboard pipeline");
    await tabTo("Trigger mode");
    await tabTo("Scanner tickers");
    await page.keyboard.press("ArrowDown"); // selects the first ticker (AAPL)
    await tabTo("Other tickers");
    await page.keyboard.type("AMD");
    await tabTo("Agent");
    await page.keyboard.press("Tab"); // "Add step"
    await page.keyboard.press("Enter");
    await page.getByLabel("Step id").waitFor();
    await tabTo("Save");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Keyboard pipeline" }).waitFor();
    const [stored] = await storedPipelines(api, email);
    assert.deepEqual(stored?.scanner_tickers, ["AAPL", "AMD"]);
    assert.equal(stored?.config.steps[0]?.agent, "log");
  },
});
