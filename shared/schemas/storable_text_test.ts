import assert from "node:assert/strict";
import { z } from "zod";
import {
  isStorableText,
  refineStorableJson,
  storableText,
  toStorableJson,
  UNSTORABLE_TEXT_ERROR,
  unstorablePaths,
} from "./storable_text.ts";

Deno.test("isStorableText: NUL and unpaired surrogates are not storable; pairs and the rest are", () => {
  for (const text of ["", "plain", "naïve 東京", "emoji 😀", "\ufffd", "\u0001 control", "tab\t"]) {
    assert.ok(isStorableText(text), JSON.stringify(text));
  }
  for (const text of ["\u0000", "a\u0000b", "\ud800", "x\ud83dy", "\ude00", "😀\udc00"]) {
    assert.ok(!isStorableText(text), JSON.stringify(text));
  }
});

Deno.test("storableText: refuses with the message, and chains like z.string()", () => {
  const name = storableText().trim().min(1);
  assert.equal(name.parse("  ok "), "ok");
  const failed = name.safeParse("a\u0000");
  assert.equal(failed.error?.issues[0]?.message, UNSTORABLE_TEXT_ERROR);
});

Deno.test("unstorablePaths and refineStorableJson: every string and key, with its path", () => {
  const value = { a: ["ok", "n\u0000"], ["k\u0000"]: 1, b: { c: "\ud800" }, d: 5, e: null };
  assert.deepEqual(unstorablePaths(value), [["a", 1], ["k\u0000"], ["b", "c"]]);
  const schema = z.record(z.string(), z.unknown()).superRefine(refineStorableJson);
  assert.deepEqual(schema.safeParse(value).error?.issues.map((i) => i.path), [
    ["a", 1],
    ["k\u0000"],
    ["b", "c"],
  ]);
});

Deno.test("toStorableJson: replaces each unstorable character with U+FFFD, keeps the rest", () => {
  const at = new Date(0);
  assert.deepEqual(toStorableJson({ a: "x\u0000y", ["\ud800"]: ["😀", 1, null, true], at }), {
    a: "x\ufffdy",
    ["\ufffd"]: ["😀", 1, null, true],
    at,
  });
});
