/** Resolves the Kafka broker's classpath from Maven Central with `mvn`, once per pom. */
import { textLines } from "../shared/text_lines.ts";
import type { KafkaLayout } from "./kafka_config.ts";

/** A copy of the pom the jars came from: a changed pom resolves again. */
const MARKER = "resolved-from-pom.xml";

/**
 * Copies the runtime dependencies of `pomPath` into `layout.libs` with
 * `mvn dependency:copy-dependencies`, unless a previous run already did for the same pom.
 * Returns true when it resolved now.
 */
export async function ensureKafkaJars(
  layout: KafkaLayout,
  pomPath: string,
  progress: (line: string) => void = () => {},
): Promise<boolean> {
  const pom = await Deno.readTextFile(pomPath);
  const resolvedFrom = await Deno.readTextFile(`${layout.libs}/${MARKER}`).catch(() => null);
  if (resolvedFrom === pom) return false;

  // Resolve into a sibling folder and rename it into place: an interrupted run leaves no
  // half-filled libs/ behind.
  const staging = `${layout.libs}.partial`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("mvn", {
      args: [
        "-B",
        "-f",
        pomPath,
        "dependency:copy-dependencies",
        `-DoutputDirectory=${staging}`,
        "-DincludeScope=runtime",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (cause) {
    throw new Error(
      `Cannot resolve Kafka ${layout.version}: "mvn" did not run (${(cause as Error).message}); ` +
        'install Maven ("apt-get install maven") and a JDK 17+',
      { cause },
    );
  }
  // Maven prints a line per file it downloads; a person sees what and how much every 2 s.
  const fetched = new DownloadTally();
  let shownAt = performance.now();
  const output: string[] = [];
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const line of textLines(stream)) {
      output.push(line);
      if (!fetched.add(line) || performance.now() - shownAt < 2000) continue;
      shownAt = performance.now();
      progress(`fetching Kafka ${layout.version} from Maven Central: ${fetched.text()}`);
    }
  };
  const [status] = await Promise.all([child.status, read(child.stdout), read(child.stderr)]);
  if (!status.success) {
    const errors = output.filter((l) => /ERROR|FATAL/.test(l)).join("\n");
    throw new Error(
      `Cannot resolve Kafka ${layout.version} with mvn (exit ${status.code}):\n${
        errors || output.slice(-20).join("\n")
      }`,
    );
  }
  if (fetched.files > 0) progress(`fetched ${fetched.text()} from Maven Central`);
  await Deno.writeTextFile(`${staging}/${MARKER}`, pom);
  await Deno.remove(layout.libs, { recursive: true }).catch(() => {});
  await Deno.rename(staging, layout.libs);
  return true;
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 };

/** Counts the files and bytes of Maven's "Downloaded from central: URL (3.9 kB at …)" lines. */
export class DownloadTally {
  files = 0;
  bytes = 0;
  last = "";

  /** Counts `line` when it reports a download; returns whether it did. */
  add(line: string): boolean {
    const m = line.match(/Downloaded from [^:]+: \S*\/([^/\s]+) \((\d+(?:\.\d+)?) (B|kB|KB|MB|GB)/);
    if (!m) return false;
    this.files++;
    this.bytes += Number(m[2]) * UNITS[m[3]!]!;
    this.last = m[1]!;
    return true;
  }

  /** "120 files, 45.3 MB (kafka-clients-4.4.0.jar last)". */
  text(): string {
    return `${this.files} files, ${(this.bytes / 1e6).toFixed(1)} MB (${this.last} last)`;
  }
}
