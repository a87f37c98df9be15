import assert from "node:assert/strict";
import { createGroupCommit } from "./group_commit.ts";

Deno.test("group commit: items arriving during a flush go together in the next one", async () => {
  const flushes: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const commit = createGroupCommit(async (items: number[]) => {
    flushes.push(items);
    if (flushes.length === 1) await gate;
    return items.map((i) => i * 10);
  });
  const first = commit.submit(1); // flushed alone, at once
  await Promise.resolve(); // the next tick
  const rest = [2, 3, 4].map((i) => commit.submit(i));
  release();
  assert.deepEqual(await Promise.all([first, ...rest]), [10, 20, 30, 40]);
  assert.deepEqual(flushes, [[1], [2, 3, 4]]);
});

Deno.test("group commit: a failed flush rejects its items only, and maxBatch splits", async () => {
  const flushes: string[][] = [];
  const commit = createGroupCommit((items: string[]) => {
    flushes.push(items);
    return items.includes("bad") ? Promise.reject(new Error("down")) : Promise.resolve(items);
  }, { maxBatch: 2 });
  const submitted = [commit.submit("a")];
  await Promise.resolve();
  submitted.push(...["bad", "c", "d", "e"].map((s) => commit.submit(s)));
  const results = await Promise.allSettled(submitted);
  assert.deepEqual(results.map((r) => r.status), [
    "fulfilled",
    "rejected",
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assert.deepEqual(flushes, [["a"], ["bad", "c"], ["d", "e"]]);
});

Deno.test("group commit: a flush returning the wrong count rejects", async () => {
  const commit = createGroupCommit((_items: number[]) => Promise.resolve([]));
  await assert.rejects(commit.submit(1), /Flush returned 0 results for 1 items/);
});

Deno.test("group commit: items submitted in one tick go in one flush", async () => {
  const flushes: number[][] = [];
  const commit = createGroupCommit((items: number[]) => {
    flushes.push(items);
    return Promise.resolve(items);
  });
  assert.deepEqual(await Promise.all([1, 2, 3].map((i) => commit.submit(i))), [1, 2, 3]);
  assert.deepEqual(flushes, [[1, 2, 3]]);
});

Deno.test("group commit: with maxInFlight 2 a second flush starts while the first is out", async () => {
  const flushes: number[][] = [];
  const gate = Promise.withResolvers<void>();
  const commit = createGroupCommit(async (items: number[]) => {
    flushes.push(items);
    if (flushes.length === 1) await gate.promise;
    return items;
  }, { maxInFlight: 2 });
  const first = commit.submit(1);
  await Promise.resolve();
  const second = commit.submit(2);
  await Promise.resolve();
  const third = [3, 4].map((i) => commit.submit(i));
  // Neither is held behind the first, still out.
  assert.deepEqual(await Promise.all([second, ...third]), [2, 3, 4]);
  assert.deepEqual(flushes, [[1], [2], [3, 4]]);
  gate.resolve();
  assert.equal(await first, 1);
});

Deno.test("group commit: a held item waits for company, or goes alone when its time is up", async () => {
  const flushes: string[][] = [];
  const commit = createGroupCommit((items: string[]) => {
    flushes.push(items);
    return Promise.resolve(items);
  }, { holdMs: (item) => item.startsWith("held") ? 30 : 0 });
  const held = commit.submit("held 1");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(flushes, [], "not flushed alone before its time");
  // An item that is not held takes it along at once.
  assert.deepEqual(await Promise.all([held, commit.submit("now")]), ["held 1", "now"]);
  assert.deepEqual(flushes, [["held 1", "now"]]);
  const started = performance.now();
  assert.equal(await commit.submit("held 2"), "held 2");
  assert.ok(performance.now() - started >= 25, "went alone after its hold");
  assert.deepEqual(flushes, [["held 1", "now"], ["held 2"]]);
});

Deno.test("group commit: waiting items taken by another round trip are settled by it, not flushed", async () => {
  const flushes: string[][] = [];
  const commit = createGroupCommit((items: string[]) => {
    flushes.push(items);
    return Promise.resolve(items.map((i) => `flushed ${i}`));
  }, { holdMs: () => 50 });
  const a = commit.submit("a");
  const b = commit.submit("b");
  const taken = commit.takeWaiting();
  assert.deepEqual(taken.items, ["a", "b"]);
  taken.resolve(["carried a", "carried b"]);
  assert.deepEqual(await Promise.all([a, b]), ["carried a", "carried b"]);
  const c = commit.submit("c");
  const failed = commit.takeWaiting();
  failed.reject(new Error("read failed"));
  await assert.rejects(c, /read failed/);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.deepEqual(flushes, [], "nothing was left to flush");
  assert.deepEqual(commit.takeWaiting().items, []);
});
