/**
 * Whether an error means Postgres cannot be reached (down, restarting, refusing connections), as
 * opposed to a bad statement: callers answer "retry later" (the API's 503) instead of a 500.
 */

/** postgres.js connection error codes, and the Node socket errors it passes through. */
const CONNECTION_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
]);

/**
 * SQLSTATEs of a server that is there but not serving: class 08 (connection exception),
 * 57P01-57P03 (shutting down, cannot connect now), 53300 (too many connections).
 */
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300)$/;

/** True when `error` (or its cause) says Postgres is unreachable or not accepting work. */
export function isPostgresUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || UNAVAILABLE_STATE.test(code))) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
