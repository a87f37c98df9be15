/**
 * The live signals feed in real Chromium against the real path: a seed-format signal published to
 * Kafka, logged by the dispatcher process in its claim statement, announced by the signal log's
 * trigger, and prepended to the open page; filters by ticker, scanner and direction.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../../../../shared/poll_until.ts";
import { launchBrowser, screenshot, signUp, WIDTHS } from "../../../../tests/fixtures/browser.ts";
import { createTestDatabase } from "../../../../tests/fixtures/database.ts";
import { createTestKafka } from "../../../../tests/fixtures/kafka.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
} from "../../../../tests/fixtures/processes.ts";
import { createTestRedis } from "../../../../tests/fixtures/redis.ts";

Deno.test({
  name:
    "signals: signals from Kafka appear live on the feed, filtered by ticker, scanner, direction",
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
    };
    const services: ServiceProcess[] = ["api", "dispatcher"].map((dir) => startService(dir, env));
    const base = `http://127.0.0.1:${apiPort}`;
    const producer = kafka.kafka.producer();
    try {
      await pollUntil("the API to answer /healthz", async () => {
        const res = await fetch(`${base}/healthz`).catch(() => null);
        await res?.body?.cancel();
        return res?.ok ? true : undefined;
      }, { timeoutMs: 60_000 });
      await using browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 800 } });
      await signUp(page, base);
      await page.getByRole("link", { name: "Signals" }).click();
      await page.getByRole("heading", { name: "Signals" }).waitFor();
      await page.locator('[sse-connect][data-live="open"]').waitFor();
      await producer.connect();
      const publish = (value: unknown) =>
        producer.send({ topic: kafka.topic, messages: [{ value: JSON.stringify(value) }] });
      const rows = page.locator("#signals tr:not(.empty-row)");
      const none = page.getByText("No signals yet.");
      assert.ok(await none.isVisible(), "an empty feed says so");

      const publishedAt = Date.now();
      await publish({ tickers: [{ ticker: "AAPL", signal: "BULLISH", confidence: 85 }] });
      // The dispatcher may still be joining its group: the first signal waits for it.
      await rows.first().waitFor({ timeout: 60_000 });
      console.log(`signal → row on the open signals page: ${Date.now() - publishedAt} ms`);
      assert.equal(await none.isVisible(), false, "the first live row replaces the empty note");
      await publish({
        ticker: "MSFT",
        signal: "BEARISH",
        confidence: 70,
        scanner: "rsi",
        bar_date: "2024-05-02",
        price: 401.5,
      });
      await rows.nth(1).waitFor();
      const text = await page.locator("#signals").innerText();
      assert.match(text, /MSFT\s+BEARISH\s+70\s+rsi/);
      assert.match(text, /AAPL\s+BULLISH\s+85/);
      assert.ok(text.indexOf("MSFT") < text.indexOf("AAPL"), "newest first");
      await screenshot(page, "signals");

      await page.getByLabel("Direction").selectOption("BULLISH");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.locator('[sse-connect][data-live="open"]').waitFor();
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().innerText(), /AAPL/);
      await publish({ ticker: "NVDA", signal: "BEARISH", confidence: 90 });
      await publish({ ticker: "NVDA", signal: "BULLISH", confidence: 91 });
      await page.getByRole("cell", { name: "91", exact: true }).waitFor();
      assert.equal(
        await page.getByRole("cell", { name: "90", exact: true }).count(),
        0,
        "bearish left out",
      );

      await page.getByLabel("Direction").selectOption("");
      await page.getByLabel("Ticker").fill("none-such");
      await page.getByRole("button", { name: "Filter" }).click();
      await none.waitFor();
      await page.getByLabel("Ticker").fill("msft");
      await page.getByLabel("Scanner").fill("rsi");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.locator('[sse-connect][data-live="open"]').waitFor();
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().innerText(), /MSFT/);
      await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
      await screenshot(page, "signals");
    } finally {
      await producer.disconnect().catch(() => {});
      await Promise.all(services.map((s) => s.stop()));
    }
  },
});
