/**
 * Postgres array literals built by JSON.stringify, for statements that send columns as arrays
 * (`unnest($1::text[], …)`). postgres.js serialises an array parameter element by element in
 * JavaScript (a function call and two regex replaces each), which cost the dispatcher about
 * 8 µs of CPU per signal log row; one JSON.stringify per column is native and several times
 * cheaper, and Postgres parses the literal exactly as before.
 *
 * JSON and Postgres array syntax agree on `"…"`, `\"`, `\\`, `,` and on `null` (an unquoted
 * NULL element). They disagree on every other JSON escape (`\n`, `\u0001`, a lone surrogate's
 * `\ud800`), so a column whose JSON holds one, and a number column with a value JSON cannot
 * write (NaN, ±Infinity), is returned as the array itself, for postgres.js to serialise as
 * before.
 */

/** An array column: its literal, or the values themselves where a literal would be wrong. */
export type ArrayParameter = string | (string | number | null)[];

// An escape other than `\"` and `\\` (an odd run of backslashes before another character): a
// string had a character that JSON escapes and Postgres would not read back.
const OTHER_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\[^"\\]/;

/**
 * The array literal of `values` (strings, finite numbers, null); `{}` when every value is null,
 * which `unnest` of several arrays pads back to NULLs (the rows come from the longest array).
 */
export function arrayLiteral(values: readonly (string | number | null)[]): ArrayParameter {
  let allNull = true;
  for (const v of values) {
    if (v === null) continue;
    allNull = false;
    if (typeof v === "number" && !Number.isFinite(v)) return [...values];
  }
  if (allNull) return "{}";
  const json = JSON.stringify(values);
  if (OTHER_ESCAPE.test(json)) return [...values];
  return `{${json.slice(1, -1)}}`;
}
