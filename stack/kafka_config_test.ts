import assert from "node:assert/strict";
import {
  brokerAddress,
  kafkaLayout,
  log4jProperties,
  newClusterId,
  pomKafkaVersion,
  serverProperties,
  usableClusterId,
} from "./kafka_config.ts";

Deno.test("brokerAddress takes the first server and puts the controller one port up", () => {
  assert.deepEqual(brokerAddress("127.0.0.1:19092,other:9092"), {
    host: "127.0.0.1",
    port: 19092,
    controllerPort: 19093,
    local: true,
  });
  assert.equal(brokerAddress("localhost:9092").local, true);
  assert.equal(brokerAddress("[::1]:9092").host, "::1");
  assert.equal(brokerAddress("kafka:9092").local, false);
  assert.throws(() => brokerAddress("kafka"), /Cannot parse Kafka address "kafka"/);
  assert.throws(() => brokerAddress("kafka:65535"), /expected "host:port"/);
});

Deno.test("serverProperties configures one KRaft node on the address's two ports", () => {
  const props = parse(serverProperties(brokerAddress("127.0.0.1:19092"), "/data"));
  assert.equal(props.get("process.roles"), "broker,controller");
  assert.equal(props.get("controller.quorum.voters"), "1@127.0.0.1:19093");
  assert.equal(props.get("listeners"), "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
  assert.equal(props.get("advertised.listeners"), "PLAINTEXT://127.0.0.1:19092");
  assert.equal(props.get("log.dirs"), "/data");
  assert.equal(props.get("offsets.topic.replication.factor"), "1");
  assert.equal(props.get("group.initial.rebalance.delay.ms"), "0");
  assert.equal(props.get("auto.create.topics.enable"), "false");
});

Deno.test("kafkaLayout keeps jars per version and everything else per port", () => {
  const a = kafkaLayout("/c", "4.4.0", 9092);
  const b = kafkaLayout("/c", "4.4.0", 19092);
  assert.equal(a.libs, b.libs);
  assert.equal(a.libs, "/c/kafka/4.4.0/libs");
  assert.notEqual(a.home, b.home);
  for (const path of [a.dataDir, a.pidFile, a.logFile, a.serverProperties, a.clusterIdFile]) {
    assert.ok(path.startsWith(`${a.home}/`), path);
  }
});

Deno.test("pomKafkaVersion reads the committed pom, and refuses a pom without the property", async () => {
  const pom = await Deno.readTextFile(new URL("./kafka/pom.xml", import.meta.url));
  assert.match(pomKafkaVersion(pom), /^4\.\d+\.\d+$/);
  assert.throws(() => pomKafkaVersion("<project/>"), /has no "<kafka.version>"/);
});

Deno.test("log4jProperties writes to the given file", () => {
  const props = parse(log4jProperties("/x/kafka.log"));
  assert.equal(props.get("appender.file.fileName"), "/x/kafka.log");
  assert.equal(props.get("rootLogger.appenderRef.file.ref"), "file");
});

Deno.test("newClusterId is 22 URL-safe base64 characters and differs each time", () => {
  const ids = new Set(Array.from({ length: 20 }, newClusterId));
  assert.equal(ids.size, 20);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

Deno.test("newClusterId never starts with '-', which kafka-storage would read as an option", () => {
  // Uniform base64 starts with "-" once in 64 draws; 5 000 draws all missing it is ~1e-34.
  const firsts = new Set(Array.from({ length: 5000 }, () => newClusterId()[0]));
  assert.equal(firsts.has("-"), false);
  assert.ok(firsts.size > 50, `only ${firsts.size} distinct first characters`);
});

Deno.test("usableClusterId refuses a missing, short or dash-led id", () => {
  assert.equal(usableClusterId("MkU3OEVBNTcwNTJENDM2Qg"), true);
  assert.equal(usableClusterId("_kU3OEVBNTcwNTJENDM2Qg"), true);
  assert.equal(usableClusterId("-kU3OEVBNTcwNTJENDM2Qg"), false);
  assert.equal(usableClusterId("MkU3OEVB"), false);
  assert.equal(usableClusterId(""), false);
  assert.equal(usableClusterId(undefined), false);
});

function parse(text: string): Map<string, string> {
  return new Map(
    text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => {
      const i = l.indexOf("=");
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    }),
  );
}
