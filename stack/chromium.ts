/**
 * The browser the UI tests drive: Debian's `chromium` package at {@linkcode CHROMIUM_PATH}.
 * `deno task test` (and so `.ci/run`) calls {@linkcode ensureChromium} first, which installs the
 * package with apt-get when it is missing and says what it runs.
 */

/** Where Debian's package puts the browser; the tests launch it from here. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Options of {@linkcode ensureChromium}. */
export interface EnsureChromiumOptions {
  /** Prints one line per step (default: nothing). */
  say?: (line: string) => void;
  /** Path checked for the browser (default {@linkcode CHROMIUM_PATH}). */
  path?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function run(args: string[], say: (line: string) => void): Promise<void> {
  const [cmd, ...rest] = args as [string, ...string[]];
  say(`chromium  running: ${args.join(" ")}`);
  const { code } = await new Deno.Command(cmd, {
    args: rest,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`"${args.join(" ")}" exited with code ${code}`);
}

/** Installs Debian's `chromium` (apt-get update, then install) unless the browser is there. */
export async function ensureChromium(options: EnsureChromiumOptions = {}): Promise<void> {
  const say = options.say ?? (() => {});
  const path = options.path ?? CHROMIUM_PATH;
  if (await exists(path)) {
    say(`chromium  present at ${path}`);
    return;
  }
  say(`chromium  missing at ${path}; installing Debian's chromium package`);
  const sudo = Deno.uid() === 0 ? [] : ["sudo", "-n"];
  await run([...sudo, "apt-get", "update"], say);
  await run([...sudo, "apt-get", "install", "-y", "--no-install-recommends", "chromium"], say);
  if (!(await exists(path))) throw new Error(`apt-get installed chromium but ${path} is missing`);
  say(`chromium  installed at ${path}`);
}
