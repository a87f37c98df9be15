/**
 * Text Postgres can store. `text` and `jsonb` refuse NUL (`invalid byte sequence`, `unsupported
 * Unicode escape sequence`) and `jsonb` refuses a lone UTF-16 surrogate, which JSON.parse accepts
 * from `"\ud800"`: a string that reaches a statement with either fails that statement every time.
 * Every free-text field of a contract is checked here, at the boundary, so such input is rejected
 * with a message instead of stopping the statement that carries it.
 */
import { z } from "zod";

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
