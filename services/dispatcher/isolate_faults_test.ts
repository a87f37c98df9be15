import assert from "node:assert/strict";
import { isolateFaults } from "./isolate_faults.ts";

class InputFault extends Error {}
const isInputFault = (error: unknown) => error instanceof InputFault;

Deno.test("isolate faults: a batch that fails because of two items is split until each fails alone", async () => {
  const runs: number[][] = [];
  const outcome = await isolateFaults(Array.from({ length: 10 }, (_, i) => i), {
    isInputFault,
    run: (items) => {
      runs.push([...items]);
      const bad = items.find((i) => i === 3 || i === 7);
      return bad === undefined
        ? Promise.resolve(items.map((i) => i * 10))
        : Promise.reject(new InputFault(`item ${bad}`));
    },
  });
  assert.deepEqual(outcome.results, [0, 10, 20, 40, 50, 60, 80, 90]);
  assert.deepEqual(outcome.faults.map((f) => [f.item, (f.error as Error).message]), [
    [3, "item 3"],
    [7, "item 7"],
  ]);
  assert.ok(runs.length <= 2 * 2 * Math.ceil(Math.log2(10)) + 1, `${runs.length} runs`);
});

Deno.test("isolate faults: a fault that is not the input's (an outage) is thrown, nothing isolated", async () => {
  let runs = 0;
  await assert.rejects(
    isolateFaults([1, 2, 3], {
      isInputFault,
      run: () => {
        runs++;
        return Promise.reject(new Error("connection refused"));
      },
    }),
    /connection refused/,
  );
  assert.equal(runs, 1);
});

Deno.test("isolate faults: a batch too big as a whole but fine in halves has no faults", async () => {
  const outcome = await isolateFaults([1, 2, 3, 4], {
    isInputFault,
    run: (items) =>
      items.length > 2 ? Promise.reject(new InputFault("too big")) : Promise.resolve([...items]),
  });
  assert.deepEqual(outcome, { results: [1, 2, 3, 4], faults: [] });
});
