/**
 * kafkajs restarts a crashed consumer only when the error was retriable. A crash it does not
 * restart leaves the process up and the group without this member: nothing is consumed again,
 * and no lag is seen, so nothing says so. The chaos suite's broker restart did that (the
 * consumer's own restart found no group coordinator yet: "Failed to find group coordinator",
 * non-retriable) and lost every signal sent afterwards. This starts such a consumer again, with
 * capped backoff, until it has joined its group or `signal` aborts.
 */
import type { Consumer, ConsumerRunConfig } from "kafkajs";
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

/** Options of {@linkcode runWithRestarts}: those of {@linkcode restartOnCrash} but its own two. */
export type RunWithRestartsOptions = Omit<RestartOnCrashOptions, "start" | "signal">;

/**
 * Runs the connected, subscribed `consumer` with `handlers`, and restarts it the same way (connect,
 * then `run`) after each crash kafkajs does not restart. Returns what stops the restarts: call it
 * before disconnecting, so that a shutdown is not restarted.
 */
export async function runWithRestarts(
  consumer: Consumer,
  handlers: ConsumerRunConfig,
  options: RunWithRestartsOptions,
): Promise<() => void> {
  const stop = new AbortController();
  restartOnCrash(consumer, {
    ...options,
    start: async () => {
      await consumer.connect();
      await consumer.run(handlers);
    },
    signal: stop.signal,
  });
  await consumer.run(handlers);
  return () => stop.abort();
}
