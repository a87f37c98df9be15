/**
 * `deno task stack up|down|status`: the local infrastructure without Docker. Kafka is started
 * from Maven Central jars when nothing answers at KAFKA_BOOTSTRAP_SERVERS; Postgres and Redis are
 * checked (and Postgres migrated), never started.
 */
import { parseConfig } from "../shared/config.ts";
import { errorMessage } from "../shared/errors.ts";
import { exitOnConfigError } from "../shared/process.ts";
import { kafkaDown, type KafkaStackOptions, kafkaStatus, kafkaUp } from "./kafka.ts";
import { checkPostgres, checkRedis } from "./services.ts";
import { ensureChromium } from "./chromium.ts";
import { buildChartBundle } from "./chart_bundle.ts";

const USAGE = `Usage: deno task stack <command> [--quiet]
  up             check Postgres and Redis, migrate, start Kafka if none answers, create topics,
                 build the web app's chart script
  build          build the web app's chart script (.cache/build/ui/chart.js) only
  down [--purge] stop the Kafka this checkout started; --purge also deletes its data
  status         print the state of kafka, postgres and redis; exit 1 if one is down
  browser        install Debian's chromium (for the web app's tests) when it is missing`;

const [command, ...flags] = Deno.args;
const unknown = flags.filter((f) => !["--quiet", "--purge"].includes(f));
if (
  !command || !["up", "down", "status", "browser", "build"].includes(command) || unknown.length > 0
) {
  console.error(USAGE);
  Deno.exit(64);
}
const quiet = flags.includes("--quiet");
const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const root = new URL("../", import.meta.url).pathname;
const options: KafkaStackOptions = {
  config,
  cacheDir: `${root}.cache`,
  pomPath: `${root}stack/kafka/pom.xml`,
  say: quiet ? () => {} : (line) => console.log(line),
};

async function build(): Promise<void> {
  const { path, bytes } = await buildChartBundle();
  options.say(`ui        built ${path} (${Math.round(bytes / 1024)} KB)`);
}

try {
  if (command === "up") {
    const states = await Promise.all([
      checkPostgres(config, { migrate: true }),
      checkRedis(config),
    ]);
    for (const [ok, line] of states) ok ? options.say(line) : console.error(line);
    if (states.some(([ok]) => !ok)) Deno.exit(1);
    await kafkaUp(options);
    await build();
  } else if (command === "build") {
    await build();
  } else if (command === "browser") {
    // Always says what it does: installing a browser is not something to do silently.
    await ensureChromium({ say: (line) => console.log(line) });
  } else if (command === "down") {
    await kafkaDown({ ...options, purge: flags.includes("--purge") });
  } else {
    const states = await Promise.all([
      kafkaStatus(options),
      checkPostgres(config, { migrate: false }),
      checkRedis(config),
    ]);
    for (const [, line] of states) console.log(line);
    if (states.some(([ok]) => !ok)) Deno.exitCode = 1;
  }
} catch (error) {
  console.error(`stack ${command}: ${errorMessage(error)}`);
  Deno.exit(1);
}
