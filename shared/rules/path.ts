/** Dotted paths (`indicators.rsi14`, `signal.confidence`) into a run's signal and step outputs. */

/** Pattern of a dotted path: identifiers or indexes separated by dots. */
export const PATH_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/**
 * The value at `path` in `scope` (own properties only, so `constructor` or `__proto__` never
 * resolve). Throws an Error naming the path and the keys that do exist when a segment is missing;
 * a null on the way resolves to null.
 */
export function resolvePath(scope: unknown, path: string | readonly string[]): unknown {
  const segments = typeof path === "string" ? path.split(".") : path;
  let value: unknown = scope;
  for (const [i, segment] of segments.entries()) {
    if (value === null) return null;
    if (typeof value !== "object" || !Object.hasOwn(value, segment)) {
      const where = segments.slice(0, i).join(".") || "the run";
      const known = typeof value === "object" ? Object.keys(value as object).join(", ") : "";
      throw new Error(
        `Unknown path "${segments.join(".")}": ${where} has no "${segment}"` +
          (known ? ` (it has: ${known})` : ` (it is ${JSON.stringify(value)})`),
      );
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value === undefined ? null : value;
}

/** What paths resolve against: `signal` and each earlier step's output under its step id. */
export function runScope(
  signal: unknown,
  outputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { ...outputs, signal };
}
