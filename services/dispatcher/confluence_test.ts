import assert from "node:assert/strict";
import { type ConfluenceEntry, decideConfluence } from "./confluence.ts";

const rule = { k: 2, of: ["golden_cross", "rsi", "macd"], within_seconds: 3600, ordered: false };
const at = (minutes: number) => Date.parse("2025-01-02T15:00:00Z") + minutes * 60_000;
const entry = (source: string, minutes: number): ConfluenceEntry => ({
  source,
  signal_id: `${source}:AAPL:${minutes}`,
  t: at(minutes),
});
const decide = (kept: ConfluenceEntry[], current: ConfluenceEntry, r = rule) =>
  decideConfluence("p1", [...kept, current], current, r);

Deno.test("confluence: 2 of 2 within the window fire once, with both contributors", () => {
  const first = entry("golden_cross", 0);
  assert.equal(decideConfluence("p1", [first], first, rule), null, "one alone does not fire");
  const second = entry("rsi", 30);
  const fire = decide([first], second);
  assert.ok(fire);
  assert.match(fire.signal_id, /^confluence:[0-9a-f]{32}$/);
  assert.deepEqual(fire.contributors, [first, second]);
  assert.deepEqual(decide([first], second), fire, "redelivery: the same id");
  assert.equal(decide([first, second], entry("macd", 40)), null, "a third does not fire again");
  assert.notEqual(decideConfluence("p2", [first, second], second, rule)?.signal_id, fire.signal_id);
});

Deno.test("confluence: signals further apart than the window do not fire", () => {
  assert.equal(decide([entry("golden_cross", 0)], entry("rsi", 61)), null);
  assert.ok(decide([entry("golden_cross", 0)], entry("rsi", 60)), "the boundary is inside");
  assert.equal(decide([entry("other", 0)], entry("rsi", 1)), null, "unlisted sources don't count");
});

Deno.test("confluence: ordered needs the listed order in time", () => {
  const ordered = { ...rule, ordered: true };
  assert.ok(decide([entry("golden_cross", 0)], entry("rsi", 5), ordered));
  assert.equal(decide([entry("rsi", 0)], entry("golden_cross", 5), ordered), null);
  const three = { ...ordered, k: 3 };
  assert.equal(decide([entry("golden_cross", 0), entry("macd", 1)], entry("rsi", 5), three), null);
  assert.ok(decide([entry("golden_cross", 0), entry("rsi", 1)], entry("macd", 5), three));
});
