import assert from "node:assert/strict";
import { serviceTaskArgs } from "./service_tasks.ts";

Deno.test("service tasks: the dispatcher starts as its deno.json task does, V8 flags and all", async () => {
  const args = serviceTaskArgs("dispatcher");
  const file = new URL("../services/dispatcher/main.ts", import.meta.url).pathname;
  assert.deepEqual(args, [
    "run",
    "-A",
    "--v8-flags=--max-semi-space-size=16,--heap-growing-percent=100",
    file,
  ]);
  assert.ok((await Deno.stat(file)).isFile);
  assert.deepEqual(serviceTaskArgs("worker"), [
    "run",
    "-A",
    new URL("../services/worker/main.ts", import.meta.url).pathname,
  ]);
});

Deno.test("service tasks: a task that is not deno run of one file is refused by name", () => {
  assert.throws(() => serviceTaskArgs("check"), /Cannot start task "check": it is not/);
  assert.throws(() => serviceTaskArgs("nope"), /Cannot start task "nope"/);
});
