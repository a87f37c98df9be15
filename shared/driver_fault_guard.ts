/**
 * Keeps a service alive through a known postgres.js 3.4.9 fault: a write scheduled with
 * setImmediate runs after the connection closed and throws `Cannot read properties of null
 * (reading 'write')` from `nextWrite`, outside any await (porsager/postgres#1154, #1208; fixes
 * proposed upstream, unreleased). The affected query has already been rejected with
 * CONNECTION_CLOSED or is abandoned by our timeouts, so the process can carry on. Only this exact
 * fault is absorbed; every other uncaught error still stops the process.
 */
import type { Logger } from "./logging.ts";

/** True for the postgres.js write-after-close TypeError and nothing else. */
export function isDriverWriteAfterClose(error: unknown): boolean {
  return error instanceof TypeError &&
    error.message.includes("reading 'write'") &&
    /\bnextWrite\b/.test(error.stack ?? "") &&
    /postgres/.test(error.stack ?? "");
}

/** Installs the guard; returns a function that removes it and the count of faults absorbed. */
export function guardDriverFaults(log: Logger): { faults(): number; remove(): void } {
  let faults = 0;
  const onError = (event: ErrorEvent) => {
    if (!isDriverWriteAfterClose(event.error)) return;
    event.preventDefault();
    faults++;
    log.error(
      "Absorbed a postgres.js write on a closed connection (porsager/postgres#1208); " +
        "the affected query fails and is retried by its caller",
      { faults },
    );
  };
  globalThis.addEventListener("error", onError);
  return { faults: () => faults, remove: () => globalThis.removeEventListener("error", onError) };
}
