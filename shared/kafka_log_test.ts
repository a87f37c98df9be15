import assert from "node:assert/strict";
import { KafkaLogFilter } from "./kafka_log.ts";

const refused = {
  level: 1,
  namespace: "Connection",
  message: "Connection error: connect ECONNREFUSED 127.0.0.1:9092",
  error: "connect ECONNREFUSED 127.0.0.1:9092",
};

Deno.test("KafkaLogFilter: an outage is one warning, then quiet until the consumer rejoins", () => {
  const filter = new KafkaLogFilter("127.0.0.1:9092");
  const first = filter.decide(refused);
  assert.equal(first.level, "warning");
  assert.equal(
    first.message,
    "Kafka is unreachable at 127.0.0.1:9092 (connect ECONNREFUSED 127.0.0.1:9092); retrying until it is back",
  );
  for (
    const message of [
      "Crash: KafkaJSNoBrokerAvailableError: No broker available",
      "Restarting the consumer in 5000ms",
      "Failed to connect to seed broker, trying another broker from the list",
    ]
  ) {
    assert.equal(filter.decide({ level: 1, namespace: "Consumer", message }).level, "debug");
  }
  assert.equal(filter.decide(refused).level, "debug");
  assert.equal(
    filter.decide({ level: 4, namespace: "Consumer", message: "Starting" }).level,
    "debug",
  );
  assert.equal(filter.down, true, "a restart attempt is not a recovery");
  assert.deepEqual(
    filter.decide({
      level: 4,
      namespace: "ConsumerGroup",
      message: "Consumer has joined the group",
    }),
    { level: "info", message: "Kafka is reachable again at 127.0.0.1:9092" },
  );
  assert.equal(filter.down, false);
  assert.equal(filter.decide(refused).level, "warning", "a second outage warns again");
});

Deno.test("KafkaLogFilter: a crash while Kafka is up stays an error; rebalance answers are debug", () => {
  const filter = new KafkaLogFilter("k:9092");
  assert.deepEqual(
    filter.decide({ level: 1, namespace: "Consumer", message: "Crash: TypeError: boom" }),
    { level: "error", message: "Crash: TypeError: boom" },
  );
  assert.equal(
    filter.decide({
      level: 1,
      namespace: "Connection",
      message: "Response GroupCoordinator(key: 10, version: 2)",
      error: "The group coordinator is not available",
    }).level,
    "debug",
  );
  assert.equal(
    filter.decide({ level: 2, namespace: "Consumer", message: "Something odd" }).level,
    "warning",
  );
  assert.equal(
    filter.decide({ level: 4, namespace: "Consumer", message: "Starting" }).level,
    "debug",
  );
});

Deno.test("KafkaLogFilter: the bounded-retries notice of idempotent producers is debug", () => {
  const filter = new KafkaLogFilter("k:9092");
  const notice = {
    level: 2,
    namespace: "Producer",
    message: "Limiting retries for the idempotent producer may invalidate EoS guarantees",
  };
  assert.equal(filter.decide(notice).level, "debug");
  assert.equal(filter.down, false);
});
