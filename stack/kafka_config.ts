/**
 * The files of one local Kafka broker in KRaft combined mode (broker and controller in one
 * process): where they live, `server.properties` and the log4j2 configuration. Pure functions.
 */

/** Where a local broker listens: the first entry of KAFKA_BOOTSTRAP_SERVERS. */
export interface BrokerAddress {
  host: string;
  port: number;
  /** The KRaft controller listener: always `port + 1`. */
  controllerPort: number;
  /** True for 127.0.0.1, localhost and ::1: only then does `stack up` start a broker. */
  local: boolean;
}

/** Parses the first `host:port` of a KAFKA_BOOTSTRAP_SERVERS value. */
export function brokerAddress(bootstrapServers: string): BrokerAddress {
  const first = bootstrapServers.split(",")[0]!.trim();
  const match = /^(.+):(\d+)$/.exec(first);
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65534) {
    throw new Error(`Cannot parse Kafka address "${first}": expected "host:port"`);
  }
  const host = match[1]!.replace(/^\[(.*)\]$/, "$1");
  const local = ["127.0.0.1", "localhost", "::1"].includes(host);
  return { host, port, controllerPort: port + 1, local };
}

/** The paths of a broker's instance: one folder per port, jars shared per Kafka version. */
export interface KafkaLayout {
  version: string;
  /** `<cache>/kafka/<version>/libs`: the classpath, resolved by mvn. */
  libs: string;
  /** `<cache>/kafka/broker-<port>`: everything below belongs to this broker. */
  home: string;
  dataDir: string;
  serverProperties: string;
  log4jConfig: string;
  /** log4j2's output: the broker's own log. */
  logFile: string;
  /** The JVM's stdout and stderr (startup failures land here). */
  consoleFile: string;
  pidFile: string;
  clusterIdFile: string;
}

/** Lays out a broker of `version` on `port` below `cacheDir` (e.g. "/repo/.cache"). */
export function kafkaLayout(cacheDir: string, version: string, port: number): KafkaLayout {
  const home = `${cacheDir}/kafka/broker-${port}`;
  return {
    version,
    libs: `${cacheDir}/kafka/${version}/libs`,
    home,
    dataDir: `${home}/data`,
    serverProperties: `${home}/server.properties`,
    log4jConfig: `${home}/log4j2.properties`,
    logFile: `${home}/kafka.log`,
    consoleFile: `${home}/console.log`,
    pidFile: `${home}/kafka.pid`,
    clusterIdFile: `${home}/cluster-id`,
  };
}

/** The `<kafka.version>` property of stack/kafka/pom.xml. */
export function pomKafkaVersion(pomXml: string): string {
  const version = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pomXml)?.[1];
  if (!version) throw new Error('Cannot read the Kafka version: pom.xml has no "<kafka.version>"');
  return version;
}

/**
 * `server.properties` of a single-node KRaft broker+controller. Topics are never created
 * implicitly: `stack up` and the tests create theirs, so a misspelt topic name fails loudly.
 */
export function serverProperties(address: BrokerAddress, dataDir: string): string {
  const { host, port, controllerPort } = address;
  const listenHost = host.includes(":") ? `[${host}]` : host;
  return [
    "# Written by `deno task stack up`; edits are overwritten.",
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${listenHost}:${controllerPort}`,
    `listeners=PLAINTEXT://${listenHost}:${port},CONTROLLER://${listenHost}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${listenHost}:${port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=1",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    "auto.create.topics.enable=false",
    "delete.topic.enable=true",
    // One broker: internal topics can only have one replica; fewer offset partitions start faster.
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=12",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    // Consumer groups of tests and of a restarted dispatcher join at once instead of after 3 s.
    "group.initial.rebalance.delay.ms=0",
    "log.retention.hours=168",
    "log.segment.bytes=104857600",
    "",
  ].join("\n");
}

/** A log4j2 configuration writing everything at INFO+ to `logFile`, rolled at 20 MB, 3 kept. */
export function log4jProperties(logFile: string): string {
  return [
    "# Written by `deno task stack up`; edits are overwritten.",
    "status = warn",
    "appender.file.type = RollingFile",
    "appender.file.name = file",
    `appender.file.fileName = ${logFile}`,
    `appender.file.filePattern = ${logFile}.%i`,
    "appender.file.layout.type = PatternLayout",
    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
    "appender.file.policies.type = Policies",
    "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
    "appender.file.policies.size.size = 20MB",
    "appender.file.strategy.type = DefaultRolloverStrategy",
    "appender.file.strategy.max = 3",
    "rootLogger.level = info",
    "rootLogger.appenderRef.file.ref = file",
    "logger.kafka.name = kafka",
    "logger.kafka.level = info",
    "logger.state.name = state.change.logger",
    "logger.state.level = warn",
    "",
  ].join("\n");
}

/**
 * A new KRaft cluster id: 16 random bytes, URL-safe base64 without padding (as Kafka's Uuid).
 * One id in 64 would start with "-", and `kafka-storage format --cluster-id -x…` reads that as
 * an option and fails; Kafka's own Uuid.randomUuid draws again in that case, and so do we.
 */
export function newClusterId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    if (usableClusterId(id)) return id;
  }
}

/** Whether `id` can be passed to `kafka-storage format --cluster-id`: 22 characters, no leading "-". */
export function usableClusterId(id: string | undefined): id is string {
  return id !== undefined && /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id);
}
