/**
 * The seed's flow in a real browser against the real stack: API, dispatcher and worker processes,
 * Kafka, Postgres and Redis. A seed-format signal published to Kafka appears on the open pipeline
 * page and turns succeeded, with its ticker, direction and confidence, and the dispatch counts
 * count it, without a reload.
 */
import assert from "node:assert/strict";
import { launchBrowser, screenshot, signUp, WIDTHS } from "../../../../tests/fixtures/browser.ts";
import { createTestDatabase } from "../../../../tests/fixtures/database.ts";
import { createTestKafka } from "../../../../tests/fixtures/kafka.ts";
import { pollUntil } from "../../../../shared/poll_until.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
} from "../../../../tests/fixtures/processes.ts";
import { createTestRedis } from "../../../../tests/fixtures/redis.ts";

Deno.test({
  name: "live executions: a Kafka signal shows up on the open pipeline page and turns succeeded",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(1);
    const dlq = await kafka.createTopic(1);
    const apiPort = freePort();
    const env = {
      ...stackEnv({ db, redis, kafka }, dlq),
      API_PORT: String(apiPort),
      METRICS_PORT_DISPATCHER: String(freePort()),
      METRICS_PORT_WORKER: String(freePort()),
    };
    const services: ServiceProcess[] = ["api", "dispatcher", "worker"].map((dir) =>
      startService(dir, env)
    );
    const base = `http://127.0.0.1:${apiPort}`;
    const producer = kafka.kafka.producer();
    try {
      await pollUntil("the API to answer /healthz", async () => {
        const res = await fetch(`${base}/healthz`).catch(() => null);
        await res?.body?.cancel();
        return res?.ok ? true : undefined;
      }, { timeoutMs: 60_000 });
      await using browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
      await signUp(page, base);
      await page.getByRole("link", { name: "New pipeline" }).click();
      await page.getByLabel("Name").fill("AAPL Trader");
      await page.getByLabel("Trigger mode").selectOption("signal");
      await page.getByLabel("Other tickers").fill("AAPL, MSFT");
      await page.getByRole("button", { name: "Add step" }).click();
      await page.getByLabel("Step id").fill("note");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("heading", { name: "AAPL Trader" }).waitFor();
      await page.getByText("No executions yet").waitFor();
      // Publish only once the page's event stream is open, and watch the row's statuses change.
      await page.locator('[sse-connect][data-live="open"]').waitFor();
      await page.evaluate(`
        window.notReloaded = true;
        window.seen = [];
        const tbody = document.getElementById("executions");
        new MutationObserver(() => {
          const status = tbody.querySelector("tr[data-status]")?.dataset.status;
          if (status && window.seen.at(-1) !== status) window.seen.push(status);
        }).observe(tbody, { childList: true, subtree: true });
      `);

      await producer.connect();
      const publishedAt = Date.now();
      await producer.send({
        topic: kafka.topic,
        messages: [{
          value: JSON.stringify({
            tickers: [{ ticker: "AAPL", signal: "BULLISH", confidence: 85 }],
          }),
        }],
      });
      const row = page.locator("#executions tr[data-status]").first();
      await row.waitFor({ timeout: 60_000 });
      const appearedMs = Date.now() - publishedAt;
      await page.locator('#executions tr[data-status="succeeded"]').first().waitFor({
        timeout: 60_000,
      });
      const succeededMs = Date.now() - publishedAt;
      // The dispatch counts beside it are live too: no "claimed 0" next to a claimed run.
      const counts = page.locator("#dispatch-counts");
      await counts.filter({ hasText: "claimed 1" }).waitFor({ timeout: 10_000 });
      assert.match(await counts.innerText(), /matched 1 · filtered 0 · stale 0 · skipped busy 0/);
      const text = await row.innerText();
      assert.match(text, /succeeded/);
      assert.match(text, /AAPL/);
      assert.match(text, /BULLISH/);
      assert.match(text, /85/);
      assert.equal(await page.evaluate("window.notReloaded"), true, "no reload");
      const seen = await page.evaluate("window.seen") as string[];
      console.log(
        `signal → row on the open page: ${appearedMs} ms; → succeeded: ${succeededMs} ms; ` +
          `statuses seen: ${seen.join(" → ")}`,
      );
      await screenshot(page, "pipeline-live");

      await row.getByRole("link", { name: /Details/ }).click();
      await page.getByRole("heading", { name: /Execution/ }).waitFor();
      const details = await page.locator("main").innerText();
      for (
        const expected of [
          "AAPL",
          "BULLISH",
          "85",
          "emitted",
          "received",
          "queued",
          "started",
          "finished",
          "note",
        ]
      ) {
        assert.ok(details.includes(expected), `execution page shows "${expected}"`);
      }
      // Signal and Timing side by side, their tops level.
      const tops = await page.locator(".grid2 > .card").evaluateAll((cards) =>
        cards.map((card) => Math.round(card.getBoundingClientRect().top))
      );
      assert.equal(tops.length, 2);
      assert.equal(tops[0], tops[1], `card tops ${tops.join(", ")}`);
      await screenshot(page, "execution");
      await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
      await screenshot(page, "execution");
      await page.getByRole("button", { name: "Run again" }).click();
      await page.getByRole("heading", { name: /Execution/ }).waitFor();
      assert.match(await page.locator("main").innerText(), /AAPL/, "run again keeps the signal");
    } finally {
      await producer.disconnect().catch(() => {});
      const statuses = await Promise.all(services.map((s) => s.stop()));
      statuses.forEach((status, i) => {
        if (!status.success && status.signal !== "SIGTERM") console.error(services[i]!.output());
      });
    }
  },
});
