import assert from "node:assert/strict";
import { type ConfluenceEntry, type ConfluenceLastFire, decideConfluence } from "./confluence.ts";

const rule = { k: 2, of: ["golden_cross", "rsi", "macd"], within_seconds: 3600, ordered: false };
const at = (minutes: number) => Date.parse("2025-01-02T15:00:00Z") + minutes * 60_000;
const entry = (source: string, minutes: number): ConfluenceEntry => ({
  source,
  signal_id: `${source}:AAPL:${minutes}`,
  t: at(minutes),
});
const decide = (
  kept: ConfluenceEntry[],
  current: ConfluenceEntry,
  r = rule,
  last: ConfluenceLastFire | null = null,
) => decideConfluence("p1", [...kept, current], current, r, last);

Deno.test("confluence: 2 of 2 within the window fire once, with both contributors", () => {
  const first = entry("golden_cross", 0);
  assert.equal(decideConfluence("p1", [first], first, rule), null, "one alone does not fire");
  const second = entry("rsi", 30);
  const fire = decide([first], second);
  assert.ok(fire);
  assert.match(fire.signal_id, /^confluence:[0-9a-f]{32}$/);
  assert.deepEqual(fire.contributors, [first, second]);
  assert.deepEqual(decide([first], second), fire, "redelivery: the same id");
  const last = { signal_id: fire.signal_id, t: second.t };
  assert.equal(
    decide([first, second], entry("macd", 40), rule, last),
    null,
    "a third does not fire again",
  );
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

Deno.test("confluence: once per window, like a Sigma correlation; re-armed after it", () => {
  const fire = decide([entry("golden_cross", 0)], entry("rsi", 10))!;
  const last = { signal_id: fire.signal_id, t: at(10) };
  // The same sources again inside the window: a quorum with new ids, but no second fire.
  assert.equal(decide([entry("rsi", 10)], entry("golden_cross", 20), rule, last), null);
  assert.equal(decide([entry("golden_cross", 20)], entry("rsi", 30), rule, last), null);
  assert.equal(decide([entry("golden_cross", 20)], entry("rsi", 70), rule, last), null, "edge");
  // Redelivered, the firing signal forms the same quorum and gets the same fire again.
  assert.deepEqual(decide([entry("golden_cross", 0)], entry("rsi", 10), rule, last), fire);
  // After the window, a quorum formed meanwhile (while suppressed) fires, with a new id.
  const again = decide(
    [entry("golden_cross", 50), entry("rsi", 65)],
    entry("macd", 71),
    rule,
    last,
  );
  assert.ok(again);
  assert.notEqual(again.signal_id, fire.signal_id);
  assert.deepEqual(again.contributors.map((c) => c.source), ["golden_cross", "rsi", "macd"]);
  assert.equal(decide([entry("golden_cross", 0)], entry("rsi", 71), rule, last), null, "too far");
});
