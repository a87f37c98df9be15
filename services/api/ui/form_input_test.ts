import assert from "node:assert/strict";
import { z } from "zod";
import { fieldErrors, formText, formTexts, numberOrText } from "./form_input.ts";

Deno.test("formText: first text value, files and missing keys ignored", () => {
  const body = { a: ["x", "y"], b: "z", f: new File([], "f") };
  assert.deepEqual(formTexts(body, "a"), ["x", "y"]);
  assert.equal(formText(body, "a"), "x");
  assert.equal(formText(body, "f"), "");
  assert.equal(formText(body, "missing"), "");
});

Deno.test("numberOrText: blank is null, numbers parse, anything else stays text", () => {
  assert.equal(numberOrText("  "), null);
  assert.equal(numberOrText("42"), 42);
  assert.equal(numberOrText("1.5"), 1.5);
  assert.equal(numberOrText("12 s"), "12 s");
});

Deno.test("fieldErrors: first issue per field, unknown paths under form", () => {
  const schema = z.object({
    name: z.string().min(3, "too short").regex(/^a/, "must start with a"),
    n: z.number({ error: "must be a number" }),
  }).strict();
  const parsed = schema.safeParse({ name: "b", n: "x", extra: 1 });
  assert.ok(!parsed.success);
  assert.deepEqual(fieldErrors(parsed.error, ["name", "n"]), {
    name: "too short",
    n: "must be a number",
    form: "extra is not a known field",
  });
});
