import assert from "node:assert/strict";
import { compareValues } from "./compare_values.ts";

const OPS = ["==", "!=", "<", "<=", ">", ">="];
const row = (left: number | string | null, right: number | string | null) =>
  OPS.map((op) => (compareValues(op, left, right) ? "T" : "F")).join("");

Deno.test("compareValues: == != < <= > >= on numbers and strings", () => {
  assert.equal(row(1, 2), "FTTTFF");
  assert.equal(row(2, 2), "TFFTFT");
  assert.equal(row("b", "a"), "FTFFTT");
});

Deno.test("compareValues: null equals only null, and no ordering holds with a null side", () => {
  assert.equal(row(null, null), "TFFFFF");
  assert.equal(row(1, null), "FTFFFF");
  assert.equal(row(null, 0), "FTFFFF");
});
