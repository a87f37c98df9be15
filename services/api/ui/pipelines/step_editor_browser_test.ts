/**
 * The step editor in real Chromium with JavaScript turned off (add, reorder and remove submit the
 * form and the server answers it changed), and with it on (Enter in a field still saves).
 */
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

const stepIds = (page: Page) =>
  page.getByLabel("Step id").evaluateAll((els) =>
    els.map((el) => (el as unknown as { value: string }).value)
  );
const focused = (page: Page, label: string, nth = 0) =>
  page.getByLabel(label, { exact: true }).nth(nth).evaluate((el) =>
    el === el.ownerDocument.activeElement
  );

async function storedSteps(api: TestApi, email: string) {
  const rows = await api.db.sql<{ config: { steps: { id: string }[] } }[]>`
    select p.config from pipelines p join users u on u.id = p.owner_id where u.email = ${email}`;
  return rows.map((r) => r.config.steps.map((s) => s.id));
}

async function addStep(page: Page, id: string) {
  const before = (await stepIds(page)).length;
  await page.getByLabel("Agent", { exact: true }).selectOption("log");
  await page.getByRole("button", { name: "Add step" }).click();
  await page.getByLabel("Step id").nth(before).waitFor();
  // The server focused the new step's id, as a script would have.
  assert.equal(await focused(page, "Step id", before), true);
  await page.getByLabel("Step id").nth(before).fill(id);
}

Deno.test({
  name: "step editor without JavaScript: add, move up and down, remove, then save in that order",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: WIDTHS.desktop, height: 900 },
    });
    const page = await context.newPage();
    const { email } = await signUp(page, server.url);
    await page.goto(`${server.url}/pipelines/new`);
    let documents = 0;
    page.on("request", (r) => r.resourceType() === "document" && documents++);
    // The trigger mode shows its own fields with no script (CSS on the select's value).
    assert.equal(await page.getByLabel("Every (seconds)").isVisible(), false);
    await page.getByLabel("Trigger mode").selectOption("periodic");
    assert.equal(await page.getByLabel("Every (seconds)").isVisible(), true);
    assert.equal(await page.getByLabel("Min confidence").isVisible(), false);
    await page.getByLabel("Trigger mode").selectOption("signal");
    assert.equal(await page.getByLabel("Min confidence").isVisible(), true);
    await page.getByLabel("Name").fill("No script");
    await page.getByLabel("Other tickers").fill("AAPL");
    for (const id of ["first", "second", "third"]) await addStep(page, id);
    assert.deepEqual(await stepIds(page), ["first", "second", "third"]);

    await page.getByRole("button", { name: "Move step second down" }).click();
    await page.getByRole("button", { name: "Move step first down" }).click();
    assert.deepEqual(await stepIds(page), ["third", "first", "second"]);
    assert.equal(documents, 5, "each add and move was a form submission the server answered");
    assert.equal(
      await focused(page, "Move step first down"),
      true,
      "the pressed button keeps the focus across the round trip",
    );
    await page.getByRole("button", { name: "Move step third up" }).click(); // already first
    assert.deepEqual(await stepIds(page), ["third", "first", "second"]);
    await page.getByRole("button", { name: "Remove step first" }).click();
    assert.deepEqual(await stepIds(page), ["third", "second"]);
    assert.equal(await focused(page, "Remove step second"), true, "focus moves to the next step");
    assert.equal(
      await page.getByLabel("Name").inputValue(),
      "No script",
      "the form kept its values",
    );
    assert.deepEqual(await storedSteps(api, email), [], "editing steps saves nothing");
    await screenshot(page, "step-editor-no-script");

    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "No script" }).waitFor();
    assert.deepEqual(await storedSteps(api, email), [["third", "second"]]);

    // Editing a stored pipeline reorders the same way.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("button", { name: "Move step second up" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "No script" }).waitFor();
    assert.deepEqual(await storedSteps(api, email), [["second", "third"]]);
  },
});

Deno.test({
  name: "step editor with JavaScript: moves stay in the page, and Enter in a field saves",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
    const { email } = await signUp(page, server.url);
    await page.goto(`${server.url}/pipelines/new`);
    await page.getByLabel("Name").fill("With script");
    await page.getByLabel("Other tickers").fill("AAPL");
    for (const id of ["first", "second"]) await addStep(page, id);
    let requests = 0;
    page.on("request", () => requests++);
    await page.getByRole("button", { name: "Move step second up" }).click();
    assert.deepEqual(await stepIds(page), ["second", "first"]);
    assert.equal(requests, 0, "moved in the page");
    await page.getByLabel("Name").press("Enter");
    await page.getByRole("heading", { name: "With script" }).waitFor();
    assert.deepEqual(await storedSteps(api, email), [["second", "first"]]);
  },
});
