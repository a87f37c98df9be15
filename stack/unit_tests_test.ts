import assert from "node:assert/strict";
import { needsStack, testArgs, testFiles, unitTestFiles } from "./unit_tests.ts";

Deno.test("unit tests: pure tests are in, tests that reach a stack fixture are out", async () => {
  const all = await testFiles();
  const unit = await unitTestFiles();
  assert.ok(unit.includes("services/dispatcher/batcher_test.ts"));
  assert.ok(unit.includes("shared/schemas/signal_conditions_test.ts"));
  assert.ok(!unit.includes("services/dispatcher/dispatcher_test.ts"), "uses a database");
  assert.ok(!unit.includes("services/api/openapi_test.ts"), "uses the test API (a database)");
  assert.ok(!unit.includes("tests/e2e_test.ts"), "starts processes");
  assert.ok(unit.length > 0 && unit.length < all.length);
  assert.ok(unit.every((f) => all.includes(f)));
  assert.equal(await needsStack("tests/fixtures/database.ts"), true);
});

Deno.test("unit tests: types are left to deno check unless --check is passed", () => {
  assert.deepEqual(testArgs([], ["a_test.ts"]), [
    "test",
    "-A",
    "--parallel",
    "--no-check",
    "a_test.ts",
  ]);
  assert.deepEqual(testArgs(["--check", "--fail-fast"], ["a_test.ts"]), [
    "test",
    "-A",
    "--parallel",
    "--check",
    "--fail-fast",
    "a_test.ts",
  ]);
  assert.ok(!testArgs(["--no-check=remote"], []).includes("--no-check"));
});
