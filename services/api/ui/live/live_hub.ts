/**
 * The one server-side hub behind every live page: one Postgres LISTEN connection per API process
 * (opened on the first subscriber) on EXECUTION_CHANGES_CHANNEL and SIGNAL_LOG_CHANNEL, plus, when
 * given a Redis subscriber, the same two announcements from the dispatcher and the workers on
 * Redis pub/sub (their claims and rounds do not NOTIFY: migrations 0025 and 0028), fanned out in
 * memory to the open event streams. Pages never poll; each stream re-reads its own owner-scoped
 * rows when told its pipeline changed.
 */
import type { Sql } from "../../../../shared/db.ts";
import { errorMessage } from "../../../../shared/errors.ts";
import type { Logger } from "../../../../shared/logging.ts";
import {
  EXECUTION_CHANGES_CHANNEL,
  type RedisNames,
  SIGNAL_LOG_CHANNEL,
} from "../../../../shared/names.ts";
import type { Redis } from "../../../../shared/redis.ts";

/** Topic announcing that the signal log grew. */
export const SIGNALS_TOPIC = "signals";

/** Topic of one pipeline's execution changes. */
export const pipelineTopic = (pipelineId: string) => `pipeline:${pipelineId}`;

/** Fan-out of change events by topic. */
export interface LiveHub {
  /** Calls `listener` on every event of `topic` until the returned function is called. */
  subscribe(topic: string, listener: () => void): Promise<() => void>;
  /** Delivers an event to a topic's subscribers (the LISTEN callback; tests). */
  publish(topic: string): void;
  /** Number of open subscriptions (for /metrics and tests). */
  readonly size: number;
  /** Resolves when {@linkcode LiveHub.close} is called: open streams end so the server can stop. */
  readonly closed: Promise<void>;
  /** Ends every open stream (on shutdown). */
  close(): void;
}

/**
 * The dispatcher's and workers' announcements: a connection only for subscribing, and the
 * channels.
 */
export interface LiveRedis {
  subscriber: Redis;
  names: Pick<RedisNames, "executionChanges" | "signalLogChanges">;
}

/**
 * Creates the hub over `sql` (its LISTEN uses one dedicated connection of postgres.js) and, when
 * given, `redis` (without it, the dispatcher's claims and the workers' rounds go unheard).
 */
export function createLiveHub(sql: Sql, log: Logger, redis?: LiveRedis): LiveHub {
  const topics = new Map<string, Set<() => void>>();
  let listening: Promise<unknown> | null = null;
  let size = 0;
  const closing = Promise.withResolvers<void>();
  const publish = (topic: string) => {
    for (const listener of topics.get(topic) ?? []) {
      try {
        listener();
      } catch (error) {
        log.warn("Live listener failed: {error}", { error: errorMessage(error) });
      }
    }
  };
  const executionsChanged = (payload: string) => {
    for (const id of payload.split(",")) if (id) publish(pipelineTopic(id));
  };
  const signalLogGrew = () => publish(SIGNALS_TOPIC);
  redis?.subscriber.on("message", (channel: string, payload: string) => {
    if (channel === redis.names.executionChanges) executionsChanged(payload);
    else if (channel === redis.names.signalLogChanges) signalLogGrew();
  });
  const listen = () =>
    listening ??= Promise.all([
      sql.listen(EXECUTION_CHANGES_CHANNEL, executionsChanged),
      sql.listen(SIGNAL_LOG_CHANNEL, signalLogGrew),
      redis?.subscriber.subscribe(redis.names.executionChanges, redis.names.signalLogChanges),
    ]).catch((error) => {
      listening = null;
      throw error;
    });
  return {
    async subscribe(topic, listener) {
      await listen();
      let set = topics.get(topic);
      if (!set) topics.set(topic, set = new Set());
      set.add(listener);
      size++;
      return () => {
        if (set.delete(listener)) size--;
        if (set.size === 0) topics.delete(topic);
      };
    },
    publish,
    get size() {
      return size;
    },
    closed: closing.promise,
    close: () => closing.resolve(),
  };
}
