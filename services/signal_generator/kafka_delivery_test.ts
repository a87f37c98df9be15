// Delivery to the real Kafka (KAFKA_BOOTSTRAP_SERVERS): the publisher's signals read back by a
// consumer, the generator process started while Kafka is unreachable delivering every buffered
// signal once it comes up, and `signals replay --publish`. For the outage, a TCP proxy in front of the broker closes every
// connection until opened. It guards the bootstrap address only (after metadata kafkajs talks to
// the advertised broker address), which is enough: the generator cannot connect at all until the
// proxy opens.
import "vega-datasets";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { serviceLogger } from "../../shared/logging.ts";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { simulatedMarket } from "../../shared/market/simulated_market.ts";
import { parseSignalMessage, type TickerSignal } from "../../shared/schemas/signal.ts";
import { createTestKafka, type TestKafka } from "../../tests/fixtures/kafka.ts";
import { createGeneratorMetrics } from "./generator_metrics.ts";
import { replaySignals } from "./replay.ts";
import { scannerRegistry } from "./scanners/registry.ts";
import { createSignalPublisher } from "./signal_publisher.ts";
import { pollUntil } from "../../shared/poll_until.ts";

/** Signals for `tickers` on consecutive days, as the generator would emit them. */
function sampleSignals(tickers: string[], days: number): TickerSignal[] {
  const emitted_at = new Date().toISOString();
  return tickers.flatMap((ticker) =>
    Array.from({ length: days }, (_, d) => {
      const bar_date = `2024-03-${String(d + 1).padStart(2, "0")}`;
      return {
        ticker,
        signal: d % 2 ? "BEARISH" as const : "BULLISH" as const,
        confidence: 50 + d,
        signal_id: `rsi:${ticker}:${bar_date}`,
        scanner: "rsi",
        bar_date,
        price: 100 + d,
        emitted_at,
      };
    })
  );
}

/** Reads `topic` from the beginning until `count` signals arrived or `seconds` passed. */
async function readSignals(t: TestKafka, count: number, seconds: number) {
  const consumer = t.kafka.consumer({ groupId: `${t.topic}-${crypto.randomUUID().slice(0, 8)}` });
  const received: { key: string; signals: TickerSignal[] }[] = [];
  let total = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: t.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const parsed = parseSignalMessage(message.value);
        assert.ok(parsed.ok, `Unparsable message ${message.value?.toString()}`);
        received.push({ key: message.key!.toString(), signals: parsed.signals });
        total += parsed.signals.length;
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + seconds * 1000;
    while (total < count && Date.now() < deadline) await sleep(50);
  } finally {
    await consumer.disconnect();
  }
  return received;
}

Deno.test("publisher: signals are acknowledged by Kafka and read back, keyed by ticker", async () => {
  await using t = await createTestKafka(3);
  const metrics = createGeneratorMetrics();
  const publisher = createSignalPublisher({
    kafka: t.kafka,
    topic: t.topic,
    log: serviceLogger("signal-generator", "test"),
    metrics,
    bufferMax: 1000,
    batchSize: 7,
  });
  const stop = new AbortController();
  const delivery = publisher.run(stop.signal);
  try {
    const sent = sampleSignals(["AAPL", "MSFT", "NVDA"], 10);
    publisher.publish(sent.slice(0, 12));
    publisher.publish(sent.slice(12));
    await publisher.idle(AbortSignal.timeout(20_000));
    assert.equal(publisher.pending, 0, "signals still pending after 20 s");
    assert.equal(metrics.signalsPublished.get(), 30);
    assert.equal(metrics.signalsBuffered.get(), 0);

    const received = await readSignals(t, sent.length, 20);
    for (const { key, signals } of received) {
      assert.ok(signals.every((s) => s.ticker === key), `message keyed ${key} holds other tickers`);
    }
    const got = received.flatMap((m) => m.signals);
    assert.deepEqual(
      got.map((s) => s.signal_id).sort(),
      sent.map((s) => s.signal_id).sort(),
      "every signal arrives exactly once",
    );
    assert.deepEqual(got.find((s) => s.signal_id === "rsi:MSFT:2024-03-04"), sent[13]);
  } finally {
    stop.abort();
    await delivery;
  }
});

function guardProxy(target: Deno.ConnectOptions) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const state = { open: false, refused: 0 };
  const conns = new Set<Deno.Conn>();
  (async () => {
    for await (const conn of listener) {
      if (!state.open) {
        state.refused++;
        conn.close();
        continue;
      }
      conns.add(conn);
      Deno.connect(target).then((upstream) => {
        conns.add(upstream);
        conn.readable.pipeTo(upstream.writable).catch(() => {});
        upstream.readable.pipeTo(conn.writable).catch(() => {});
      }, () => conn.close());
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    state,
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
    },
  };
}

/** Waits up to `seconds` for `check` to hold. */
function waitFor(what: string, seconds: number, check: () => boolean | Promise<boolean>) {
  return pollUntil(what, async () => (await check()) || undefined, { timeoutMs: seconds * 1000 });
}

Deno.test("generator: started with Kafka down, it delivers its buffered signals once Kafka is up", async () => {
  await using t = await createTestKafka(3);
  const [host, port] = t.brokers.split(",")[0]!.split(":");
  const proxy = guardProxy({ hostname: host!, port: Number(port) });
  const dir = await Deno.makeTempDir();
  let child: Deno.ChildProcess | undefined;
  try {
    // 400 trading days of two simulated tickers written as Yahoo CSVs.
    const market = simulatedMarket({ tickers: ["AAA", "BBB"], seed: 11 });
    const days = Array.from({ length: 400 }, () => market.next()!);
    for (const ticker of ["AAA", "BBB"]) {
      const rows = days.map((d) => d.find((b) => b.ticker === ticker)!).map((b) =>
        [b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume].join(",")
      );
      const header = "Date,Open,High,Low,Close,Adj Close,Volume";
      await Deno.writeTextFile(`${dir}/${ticker}.csv`, [header, ...rows].join("\n") + "\n");
    }
    // What the live generator must publish: the replay's signals after the 250 warm-up days.
    const firstLiveDay = days[250]![0]!.date;
    const expected = replaySignals((await readCsvBars(dir)).bars, {
      scanners: [...scannerRegistry.values()],
      priceColumn: "close",
    }).filter((s) => s.bar_date >= firstLiveDay).map((s) => s.signal_id).sort();
    assert.ok(expected.length > 20, `only ${expected.length} expected signals`);

    child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname],
      env: {
        KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${proxy.port}`,
        KAFKA_SIGNAL_TOPIC: t.topic,
        SIGNAL_SOURCE: "csv",
        SIGNAL_CSV_PATH: dir,
        SIGNAL_INTERVAL_SECONDS: "0",
        METRICS_PORT_SIGNAL_GENERATOR: "0",
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const logs: { message: string; properties: Record<string, unknown> }[] = [];
    (async () => {
      let rest = "";
      for await (const chunk of child!.stderr.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        for (const line of lines) if (line.startsWith("{")) logs.push(JSON.parse(line));
      }
    })();
    const logged = (text: string) => logs.some((l) => l.message.includes(text));
    const metricsPort = () => logs.find((l) => l.message.includes("metrics on"))?.properties.port;
    const scrape = async (name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort()}/metrics`)).text();
      return Number(text.match(new RegExp(`^tickwire_signal_generator_${name} (\\S+)$`, "m"))?.[1]);
    };

    await waitFor(
      "the data to be scanned with Kafka down",
      60,
      () => logged("Market data exhausted"),
    );
    await waitFor("a failed connect through the closed proxy", 30, () => proxy.state.refused > 0);
    await waitFor(
      "a counted publish error",
      30,
      async () => (await scrape("publish_errors_total")) > 0,
    );
    assert.equal(await scrape("signals_published_total"), 0);
    assert.equal(await scrape("signals_buffered"), expected.length);
    assert.ok(logged("Kafka unreachable"), "the outage is logged");

    proxy.state.open = true;
    const received = await readSignals(t, expected.length, 60);
    const got = received.flatMap((m) => m.signals.map((s) => s.signal_id!)).sort();
    assert.deepEqual(got, expected, "every buffered signal is delivered once, after the outage");
    await waitFor("the recovery log line", 10, () => logged("Kafka reachable again"));
    assert.equal(await scrape("signals_published_total"), expected.length);

    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0, "a SIGTERM stops the generator cleanly");
    child = undefined;
  } finally {
    if (child) {
      child.kill("SIGKILL");
      await child.status;
    }
    proxy.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay CLI --publish: the replayed signals are delivered to Kafka", async () => {
  await using t = await createTestKafka(3);
  const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./cli.ts", import.meta.url).pathname,
      "replay",
      sp500,
      "--scanners",
      "golden_cross,death_cross",
      "--publish",
    ],
    env: { KAFKA_BOOTSTRAP_SERVERS: t.brokers, KAFKA_SIGNAL_TOPIC: t.topic, LOG_FORMAT: "json" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.equal(new TextDecoder().decode(output.stdout), "", "--publish prints no signals");
  const expected = replaySignals((await readCsvBars(sp500)).bars, {
    scanners: [scannerRegistry.get("golden_cross")!, scannerRegistry.get("death_cross")!],
    priceColumn: "close",
  }).map((s) => s.signal_id).sort();
  assert.match(stderr, new RegExp(`Published ${expected.length} of ${expected.length} signals`));
  const received = await readSignals(t, expected.length, 30);
  assert.deepEqual(received.flatMap((m) => m.signals.map((s) => s.signal_id!)).sort(), expected);
});
