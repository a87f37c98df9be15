/**
 * kafkajs restarts a crashed consumer only when the error was retriable. A crash it does not
 * restart leaves the process up and the group without this member: nothing is consumed again,
 * and no lag is seen, so nothing says so. The chaos suite's broker restart did that (the
 * consumer's own restart found no group coordinator yet: "Failed to find group coordinator",
 * non-retriable) and lost every signal sent afterwards. This starts such a consumer again, with
 * capped backoff, until it has joined its group or `signal` aborts.
 */
import type { Consumer } from "kafkajs";
import { backoffDelay } from "./backoff.ts";
import { errorMessage } from "./errors.ts";
import type { Logger } from "./logging.ts";
import { sleep } from "./sleep.ts";

/** Options of {@linkcode restartOnCrash}. */
export interface RestartOnCrashOptions {
  /** Starts the consumer again: connect, then `run` with the same handlers (it stays subscribed). */
  start: () => Promise<void>;
  /** No restart once aborted (the dispatcher is stopping). */
  signal: AbortSignal;
  log: Logger;
  /** Told why the consumer is down, and null once it has joined its group again. */
  onDown?: (reason: string | null) => void;
  /** Backoff between attempts; default 1 000 … 10 000 ms. */
  baseMs?: number;
  maxMs?: number;
}

/** Watches `consumer` for crashes kafkajs does not restart, and restarts it. */
export function restartOnCrash(consumer: Consumer, options: RestartOnCrashOptions): void {
  const { signal, log, baseMs = 1000, maxMs = 10_000 } = options;
  let attempt = 0;
  let scheduled = false;
  const schedule = (reason: string) => {
    if (scheduled || signal.aborted) return;
    scheduled = true;
    attempt++;
    const delayMs = Math.round(backoffDelay(attempt, baseMs, maxMs));
    options.onDown?.(reason);
    log.error(
      "Kafka consumer stopped for good ({error}); starting it again in {delayMs} ms (attempt {attempt})",
      { error: reason, delayMs, attempt },
    );
    sleep(delayMs, signal).then(async () => {
      scheduled = false;
      if (signal.aborted) return;
      // A join that fails inside `start` is another crash event, which schedules the next try.
      await options.start().catch((error) => schedule(errorMessage(error)));
    });
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) schedule(errorMessage(payload.error));
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (attempt === 0) return;
    attempt = 0;
    options.onDown?.(null);
    log.info("Kafka consumer joined its group again");
  });
}
