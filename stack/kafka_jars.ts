/** Resolves the Kafka broker's classpath from Maven Central with `mvn`, once per pom. */
import type { KafkaLayout } from "./kafka_config.ts";

/** A copy of the pom the jars came from: a changed pom resolves again. */
const MARKER = "resolved-from-pom.xml";

/**
 * Copies the runtime dependencies of `pomPath` into `layout.libs` with
 * `mvn dependency:copy-dependencies`, unless a previous run already did for the same pom.
 * Returns true when it resolved now.
 */
export async function ensureKafkaJars(layout: KafkaLayout, pomPath: string): Promise<boolean> {
  const pom = await Deno.readTextFile(pomPath);
  const resolvedFrom = await Deno.readTextFile(`${layout.libs}/${MARKER}`).catch(() => null);
  if (resolvedFrom === pom) return false;

  // Resolve into a sibling folder and rename it into place: an interrupted run leaves no
  // half-filled libs/ behind.
  const staging = `${layout.libs}.partial`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  const mvn = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-B",
      "-f",
      pomPath,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${staging}`,
      "-DincludeScope=runtime",
    ],
    stdin: "null",
  }).output().catch((cause) => {
    throw new Error(
      `Cannot resolve Kafka ${layout.version}: "mvn" did not run (${(cause as Error).message}); ` +
        'install Maven ("apt-get install maven") and a JDK 17+',
      { cause },
    );
  });
  if (!mvn.success) {
    const output = new TextDecoder().decode(new Uint8Array([...mvn.stdout, ...mvn.stderr]));
    throw new Error(
      `Cannot resolve Kafka ${layout.version} with mvn (exit ${mvn.code}):\n${output.trim()}`,
    );
  }
  await Deno.writeTextFile(`${staging}/${MARKER}`, pom);
  await Deno.remove(layout.libs, { recursive: true }).catch(() => {});
  await Deno.rename(staging, layout.libs);
  return true;
}
