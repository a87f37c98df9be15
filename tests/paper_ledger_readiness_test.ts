// The paper ledger as a process: started before its bar topic exists, it waits and says so in
// /readyz (no exit into a restart loop); once the topic exists and its consumer joined the group,
// it is ready and applies bars.
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { freePort, startService } from "./fixtures/processes.ts";
import { pollUntil } from "../shared/poll_until.ts";

Deno.test({
  name: "paper ledger: not ready until its bar topic exists and its group is joined",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using kafka = await createTestKafka(1);
    const barTopic = `twtest-${crypto.randomUUID().slice(0, 12)}`;
    const port = freePort();
    const ledger = startService("paper_ledger", {
      DATABASE_URL: db.url,
      KAFKA_BOOTSTRAP_SERVERS: kafka.brokers,
      KAFKA_BAR_TOPIC: barTopic,
      KAFKA_BAR_CONSUMER_GROUP: `${barTopic}-ledger`,
      KAFKA_DEAD_LETTER_TOPIC: kafka.topic,
      METRICS_PORT_PAPER_LEDGER: String(port),
    });
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: await res.json() as { missing?: string[] } };
    };
    try {
      const waiting = await pollUntil("the ledger to wait for Kafka", async () => {
        const r = await readyz().catch(() => null);
        return r?.body.missing?.includes("Kafka bar consumer group") &&
            ledger.output().includes(`Topic \\"${barTopic}\\" does not exist yet`)
          ? r
          : undefined;
      }, { timeoutMs: 30_000 });
      assert.equal(waiting.status, 503);
      await kafka.createTopicNamed(barTopic, 1);
      const ready = await pollUntil("the ledger to be ready", async () => {
        const r = await readyz();
        return r.status === 200 ? r : undefined;
      }, { timeoutMs: 30_000 });
      assert.deepEqual(ready.body, { status: "ready" });
    } catch (error) {
      console.error(ledger.output().slice(-4000));
      throw error;
    } finally {
      const status = await ledger.stop();
      assert.equal(status.code, 0, "a clean stop exits 0");
    }
  },
});
