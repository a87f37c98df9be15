/**
 * How a service process is started, read from its deno.json task: `deno task start`'s supervisor,
 * the tests and the bench run `deno <args of the task>` directly (no shell in between, so the
 * child is the service itself), with the same options as `deno task <name>` and compose, the
 * dispatcher's V8 flags included.
 */
import denoJson from "../deno.json" with { type: "json" };

const root = new URL("../", import.meta.url).pathname;
const tasks: Record<string, string> = denoJson.tasks;

/**
 * The arguments after `deno` of task `name`, which must read `deno run <options> <file>.ts`; the
 * file is made absolute. Throws an Error naming the task otherwise.
 */
export function serviceTaskArgs(name: string): string[] {
  const words = tasks[name]?.trim().split(/\s+/) ?? [];
  const file = words.at(-1);
  if (words[0] !== "deno" || words[1] !== "run" || !file?.endsWith(".ts")) {
    throw new Error(`Cannot start task "${name}": it is not "deno run <options> <file>.ts"`);
  }
  return [...words.slice(1, -1), `${root}${file}`];
}
