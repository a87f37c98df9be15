/**
 * Text Postgres can store. `text` and `jsonb` refuse NUL (`invalid byte sequence`, `unsupported
 * Unicode escape sequence`) and `jsonb` refuses a lone UTF-16 surrogate, which JSON.parse accepts
 * from `"\ud800"`: a string that reaches a statement with either fails that statement every time.
 * Every free-text field of a contract is checked here, at the boundary, so such input is rejected
 * with a message instead of stopping the statement that carries it.
 */
import { z } from "../zod.ts";

/** Whether Postgres can store `text` in a text or jsonb column. */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && text.isWellFormed();
}

/** The error of {@linkcode storableText}. */
export const UNSTORABLE_TEXT_ERROR =
  "must not contain NUL or a lone UTF-16 surrogate (Postgres cannot store them)";

/** A string schema that refuses text Postgres cannot store; chain `min`/`max` before it. */
export function storableText(base: z.ZodString = z.string()) {
  return base.refine(isStorableText, { error: UNSTORABLE_TEXT_ERROR });
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
    ctx.addIssue({ code: "custom", path, message: UNSTORABLE_TEXT_ERROR });
  }
}

/**
 * `value` with NUL and every lone surrogate of its strings and keys replaced by U+FFFD: for text
 * we store but did not choose (a webhook's answer, an error message), which must not fail the
 * statement that records it.
 */
export function toStorableJson<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\0", "\ufffd").toWellFormed() as T;
  if (Array.isArray(value)) return value.map(toStorableJson) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [toStorableJson(k), toStorableJson(v)]),
  ) as T;
}
