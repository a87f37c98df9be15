/**
 * `deno task test:unit`: the tests that need no stack, in seconds. The rule, so that a new pure
 * test joins by itself: a `*_test.ts` file is a unit test unless its local imports reach one of
 * the {@linkcode STACK_FIXTURES} (a real database, Redis prefix, Kafka topic, service process or
 * browser).
 * (Denying the network to the stack's ports would catch a test that reaches it another way, but
 * any --deny flag also takes away what only --allow-all grants, e.g. reading /proc/<pid>.)
 *
 * Types are left to `deno task check` (pass `--check` to have the tests check them too): with a
 * fresh cache, `deno test` spent 22-51 s type-checking the unit tests' graphs before the first
 * test ran, on a busy 2-core machine where the tests themselves took 33-70 s.
 */

/** Test fixtures that need the stack running. */
export const STACK_FIXTURES = [
  "tests/fixtures/database.ts",
  "tests/fixtures/redis.ts",
  "tests/fixtures/kafka.ts",
  "tests/fixtures/processes.ts",
  "tests/fixtures/browser.ts",
];

const ROOT = new URL("../", import.meta.url);
const SKIPPED_DIRS = new Set([".cache", ".git", "node_modules", "bench/peer"]);
const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Every `*_test.ts` below the repository root, as root-relative paths, sorted. */
export async function testFiles(dir = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir || ".", ROOT))) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory && !SKIPPED_DIRS.has(path) && !SKIPPED_DIRS.has(entry.name)) {
      found.push(...await testFiles(path));
    } else if (entry.isFile && entry.name.endsWith("_test.ts")) found.push(path);
  }
  return found.sort();
}

/** Whether `file`'s local import graph reaches a stack fixture; `seen` memoises across files. */
export async function needsStack(
  file: string,
  seen = new Map<string, boolean>(),
): Promise<boolean> {
  const known = seen.get(file);
  if (known !== undefined) return known;
  seen.set(file, false); // an import cycle adds nothing
  let result = STACK_FIXTURES.includes(file);
  if (!result) {
    const text = await Deno.readTextFile(new URL(file, ROOT)).catch(() => "");
    for (const [, specifier] of text.matchAll(IMPORT)) {
      const target = new URL(specifier!, new URL(file, ROOT)).pathname.slice(ROOT.pathname.length);
      if (await needsStack(target, seen)) {
        result = true;
        break;
      }
    }
  }
  seen.set(file, result);
  return result;
}

/** The unit tests: every test file that does not need the stack. */
export async function unitTestFiles(): Promise<string[]> {
  const seen = new Map<string, boolean>();
  const files: string[] = [];
  for (const file of await testFiles()) if (!await needsStack(file, seen)) files.push(file);
  return files;
}

/** The `deno test` arguments for `files` and this task's `args`: no type-check unless asked. */
export function testArgs(args: readonly string[], files: readonly string[]): string[] {
  const checks = args.some((a) =>
    a === "--check" || a.startsWith("--check=") || a.startsWith("--no-check")
  );
  return ["test", "-A", "--parallel", ...(checks ? [] : ["--no-check"]), ...args, ...files];
}

if (import.meta.main) {
  const files = await unitTestFiles();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: testArgs(Deno.args, files),
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  Deno.exit(code);
}
