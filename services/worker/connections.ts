/**
 * How a worker process splits its `DATABASE_POOL_SIZE` Postgres connections: one of its own for
 * the start and outcome rounds (pipelined, see `WorkerDeps.rounds`) when it may hold two or more,
 * and the rest as the pool of heartbeats and steps, which never needs more than concurrency + 2.
 */

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
