/**
 * How a worker process splits its `DATABASE_POOL_SIZE` Postgres connections: one of its own for
 * the start and outcome rounds (pipelined, see `WorkerDeps.rounds`) when it may hold two or more,
 * and the rest as the pool of heartbeats and steps, which never needs more than concurrency + 2.
 */
import { connectPostgres, type Sql } from "../../shared/db.ts";

/** The pool's size, and whether the rounds get a connection of their own (else they share it). */
export interface WorkerConnections {
  pool: number;
  ownRounds: boolean;
}

/** Splits at most `poolSize` connections for a worker of `concurrency`. */
export function workerConnections(poolSize: number, concurrency: number): WorkerConnections {
  const total = Math.min(poolSize, concurrency + 3);
  return total > 1 ? { pool: total - 1, ownRounds: true } : { pool: 1, ownRounds: false };
}

/**
 * The rounds' pool as `connections` splits it: a connection of its own to `url` (opened on first
 * use, like every postgres.js pool), else `pool` itself. Either way the caller ends it.
 */
export function roundsPool(
  connections: WorkerConnections,
  pool: Sql,
  url: string,
  applicationName = "tickwire-worker",
): Sql {
  return connections.ownRounds ? connectPostgres(url, { max: 1, applicationName }) : pool;
}
