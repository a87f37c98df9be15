/**
 * Text Postgres cannot store: NUL (`\u0000`, refused in `text` and in `jsonb`) and unpaired UTF-16
 * surrogates (refused in `jsonb`, where JSON escapes them; silently altered in `text`). A value
 * holding one fails its INSERT on every retry, so inputs are refused at the schema (a 422 naming
 * the field, a dead letter naming it) and outputs we did not choose (a webhook's answer, an error
 * message) are made storable by replacing each such character with U+FFFD.
 */
import { z } from "zod";

/** Matches one unpaired surrogate (NUL is looked for with includes, a plain string search). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const NUL = "\0";

/** The issue message of a field holding unstorable text. */
export const UNSTORABLE_MESSAGE =
  "must not contain \\u0000 or unpaired surrogates (Postgres cannot store them)";

/** Whether Postgres can store `text` as it is. */
export function isStorableText(text: string): boolean {
  return !text.includes(NUL) && !LONE_SURROGATE.test(text);
}

/** A string schema refusing unstorable text; chain `.trim()`, `.min()`… as on `z.string()`. */
export function storableText() {
  return z.string().refine(isStorableText, UNSTORABLE_MESSAGE);
}

/** Paths (keys and array indexes) of every string or key in a JSON value that is unstorable. */
export function unstorablePaths(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[][] {
  if (typeof value === "string") return isStorableText(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorablePaths(item, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => [
    ...(isStorableText(key) ? [] : [[...path, key]]),
    ...unstorablePaths(item, [...path, key]),
  ]);
}

/** Adds one issue per unstorable string of `value` (for `superRefine` of free-form JSON fields). */
export function refineStorableJson(value: unknown, ctx: z.RefinementCtx): void {
  for (const path of unstorablePaths(value)) {
    ctx.addIssue({ code: "custom", path, message: UNSTORABLE_MESSAGE });
  }
}

/** `value` with every unstorable character of its strings and keys replaced by U+FFFD. */
export function toStorableJson<T>(value: T): T {
  if (typeof value === "string") {
    return value.replaceAll(NUL, "\ufffd").replace(LONE_SURROGATES, "\ufffd") as T;
  }
  if (Array.isArray(value)) return value.map(toStorableJson) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [toStorableJson(k), toStorableJson(v)]),
  ) as T;
}
