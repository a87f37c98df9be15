/**
 * The comparison operators of rules and scanner expressions, one meaning for both: `==` and `!=`
 * compare exactly (null equals only null), and an ordering with a null side is false (a missing
 * value, e.g. an indicator still warming up, never satisfies `<`).
 */

/** `left op right` for op `==`, `!=`, `<`, `<=`, `>` or `>=`; ordered sides must be of one type. */
export function compareValues(
  op: string,
  left: number | string | boolean | null,
  right: number | string | boolean | null,
): boolean {
  if (op === "==") return left === right;
  if (op === "!=") return left !== right;
  if (left === null || right === null) return false;
  return op === "<"
    ? left < right
    : op === "<="
    ? left <= right
    : op === ">"
    ? left > right
    : left >= right;
}
