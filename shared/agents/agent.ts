/** What an agent is: a named step kind with a params schema and a `run` function. */
import type { z } from "zod";
import type { Logger } from "@logtape/logtape";
import type { Sql } from "../db.ts";
import type { Execution } from "../schemas/execution.ts";
import type { EgressPolicy } from "../egress/egress_policy.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { MarketData } from "../market/market_data.ts";
import type { TickerSignal } from "../schemas/signal.ts";

/** What a step receives besides its params. */
export interface AgentContext {
  /** The triggering signal; null for periodic and manual runs without one. */
  signal: TickerSignal | null;
  /** `account`: the paper account its trading steps use (see pipelineAccountName). */
  pipeline: { id: string; owner_id: string; name: string; account: string };
  execution: Pick<Execution, "id" | "trigger_kind"> & { attempt: number };
  /** The running step (its id keys per-step idempotency, e.g. one paper order per step). */
  step?: { id: string };
  /** Outputs of the steps before this one, by step id. */
  outputs: Readonly<Record<string, unknown>>;
  /** Aborted when the step's timeout passes or the worker shuts down. */
  abort: AbortSignal;
  log: Logger;
  /** Postgres, for agents that need more than the ledger and the bars (none in a backtest). */
  sql: Sql;
  /** Addresses agents that call out (webhook, notify) may reach (EGRESS_ALLOWED_NETWORKS). */
  egress: EgressPolicy;
  /** Daily bars up to the run's bar (market_bars live; memory in a backtest). */
  market: MarketData;
  /** The paper ledger (Postgres live; memory in a backtest). */
  ledger: Ledger;
}

/**
 * An agent's result: its output, or a halt that ends the run early with status "skipped". A halt
 * with `outcome: "rejected"` says the trade was refused (no cash, the position cap, a size of 0),
 * not that the strategy passed on it; the execution's result carries it with the reason.
 */
export type AgentResult =
  | { output: unknown }
  | { output: unknown; halt: { reason: string; outcome?: "rejected" } };

/** A step kind. Register each in `registry.ts`. */
export interface Agent<P = unknown> {
  name: string;
  /** One line for the docs. */
  description: string;
  params: z.ZodType<P, unknown>;
  run(params: P, ctx: AgentContext): Promise<AgentResult>;
}

/** Declares an agent with its params type inferred from its schema. */
export function defineAgent<S extends z.ZodType>(
  agent: {
    name: string;
    description: string;
    params: S;
    run(params: z.infer<S>, ctx: AgentContext): Promise<AgentResult>;
  },
): Agent<z.infer<S>> {
  return agent as Agent<z.infer<S>>;
}
