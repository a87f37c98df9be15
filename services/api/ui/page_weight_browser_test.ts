/**
 * What each page costs a browser on first load (every response, assets included, empty cache),
 * printed as a table, with a budget so a page cannot silently grow past it. Run:
 * `deno test -A services/api/ui/page_weight_browser_test.ts`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, serveApp, signUp, WIDTHS } from "../../../tests/fixtures/browser.ts";
import { createTestApi } from "../test_api.ts";

/** Budget per page on first load, in KB. */
const BUDGET_KB = 400;

async function firstLoadKb(page: Page, url: string): Promise<{ kb: number; requests: number }> {
  const session = await page.context().newCDPSession(page);
  await session.send("Network.enable");
  await session.send("Network.setCacheDisabled", { cacheDisabled: true });
  let bytes = 0;
  let requests = 0;
  session.on("Network.loadingFinished", (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
    requests++;
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await session.detach();
  return { kb: Math.round(bytes / 102.4) / 10, requests };
}

Deno.test({
  name: "page weight: every main page loads under the budget on an empty cache",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 800 } });
    const signIn = await firstLoadKb(page, `${server.url}/sign-in`);
    await signUp(page, server.url);
    const me = await api.db.sql<
      [{ id: string }]
    >`select id from users order by created_at desc limit 1`;
    const [pipeline] = await api.db.sql<[{ id: string }]>`
      insert into pipelines (owner_id, name, trigger_mode, scanner_tickers)
      values (${me[0].id}, 'Weighed', 'signal', '["AAPL"]') returning id`;
    const pages: Record<string, string> = {
      "/sign-in": "",
      "/pipelines": "/pipelines",
      "/pipelines/new": "/pipelines/new",
      "/pipelines/:id": `/pipelines/${pipeline.id}`,
      "/signals": "/signals",
      "/paper": "/paper",
      "/sources": "/sources",
      "/scanners": "/scanners",
      "/scanners/new": "/scanners/new",
    };
    const rows: string[] = [`/sign-in: ${signIn.kb} KB in ${signIn.requests} requests`];
    for (const [name, path] of Object.entries(pages)) {
      if (!path) continue;
      const { kb, requests } = await firstLoadKb(page, `${server.url}${path}`);
      rows.push(`${name}: ${kb} KB in ${requests} requests`);
      assert.ok(kb < BUDGET_KB, `${name} weighs ${kb} KB, over the ${BUDGET_KB} KB budget`);
      assert.ok(kb > 1, `${name} was measured`);
    }
    console.log(rows.join("\n"));
  },
});
