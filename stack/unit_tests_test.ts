import assert from "node:assert/strict";
import { needsStack, testFiles, unitTestFiles } from "./unit_tests.ts";

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
