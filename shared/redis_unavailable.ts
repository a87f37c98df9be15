/**
 * Whether an error means Redis cannot be reached (down, restarting, a command that timed out
 * waiting for it), as opposed to a bad command: callers answer "retry later" (the API's 503)
 * instead of a 500.
 */

/** ioredis' messages for a command it gave up on (commands wait in its queue, not on sockets). */
const UNAVAILABLE_MESSAGES = [
  "Command timed out",
  "Connection is closed.",
  "Reached the max retries per request limit",
  "Stream isn't writeable",
];

/** True when `error` (or its cause) says Redis did not answer. */
export function isRedisUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { message, name } = e as { message?: unknown; name?: unknown };
    if (name === "MaxRetriesPerRequestError") return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
