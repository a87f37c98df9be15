/** Paper accounts: created on first use per user and name, valued at the latest stored closes. */
import type { Queryable } from "../db.ts";
import { type Position, round, unrealisedPnl } from "./position_math.ts";

/** Cash a new paper account starts with, in its currency. */
export const DEFAULT_STARTING_CASH = 100_000;

/** The name of an account opened without one (e.g. by a test or a direct order). */
export const DEFAULT_ACCOUNT = "default";

/**
 * The account a pipeline trades in: the one its `account` field names, else its own,
 * `pipeline-<id>`, so that one pipeline's fills never starve another of cash.
 */
export function pipelineAccountName(pipeline: { id: string; account: string | null }): string {
  return pipeline.account ?? `pipeline-${pipeline.id}`;
}

/** A paper account (numbers, not numeric strings). */
export interface PaperAccount {
  id: string;
  owner_id: string;
  name: string;
  currency: string;
  starting_cash: number;
  cash: number;
  created_at: Date;
}

/** An open position with its mark and unrealised P&L. */
export interface MarkedPosition extends Position {
  ticker: string;
  mark: number;
  market_value: number;
  unrealised_pnl: number;
}

/** An account's worth: cash plus open positions at their marks. */
export interface Valuation {
  cash: number;
  equity: number;
  unrealised_pnl: number;
  positions: MarkedPosition[];
}

/** Columns of an account as numbers. */
export const ACCOUNT_COLUMNS =
  "id, owner_id, name, currency, starting_cash::float8 as starting_cash, cash::float8 as cash, created_at";

/**
 * The user's account called `name` (default "default"), created with
 * {@linkcode DEFAULT_STARTING_CASH} USD on first use. With `forUpdate` the row stays locked until
 * the caller's transaction ends, which serialises orders per account.
 */
export async function ensureAccount(
  sql: Queryable,
  ownerId: string,
  name = DEFAULT_ACCOUNT,
  options: { forUpdate?: boolean } = {},
): Promise<PaperAccount> {
  await sql`
    insert into paper_accounts (owner_id, name, starting_cash, cash)
    values (${ownerId}, ${name}, ${DEFAULT_STARTING_CASH}, ${DEFAULT_STARTING_CASH})
    on conflict (owner_id, name) do nothing`;
  const [account] = await sql<PaperAccount[]>`
    select ${sql.unsafe(ACCOUNT_COLUMNS)} from paper_accounts
    where owner_id = ${ownerId} and name = ${name}
    ${options.forUpdate ? sql`for update` : sql``}`;
  if (!account) throw new Error(`Cannot open paper account "${name}" of user "${ownerId}"`);
  return account;
}

/**
 * Values an account: each open position at `marks[ticker]` if given, else the latest close in
 * `market_bars`, else its average price (no market data: no unrealised P&L).
 */
export async function valueAccount(
  sql: Queryable,
  account: { id: string; cash: number },
  marks: Readonly<Record<string, number>> = {},
): Promise<Valuation> {
  const rows = await sql<(Position & { ticker: string; last_close: number | null })[]>`
    select p.ticker, p.quantity::float8 as quantity, p.avg_price::float8 as avg_price,
      p.realised_pnl::float8 as realised_pnl,
      (select m.close::float8 from market_bars m where m.ticker = p.ticker
       order by m.date desc limit 1) as last_close
    from paper_positions p
    where p.account_id = ${account.id} and p.quantity <> 0
    order by p.ticker`;
  return valuePositions(
    account.cash,
    rows.map(({ last_close, ...p }) => ({ ...p, mark: marks[p.ticker] ?? last_close })),
  );
}

/** Cash plus each position at its mark (its average price without one), pure. */
export function valuePositions(
  cash: number,
  held: readonly (Position & { ticker: string; mark: number | null })[],
): Valuation {
  const positions = held.map((p) => {
    const mark = p.mark ?? p.avg_price;
    return {
      ...p,
      mark,
      market_value: round(p.quantity * mark),
      unrealised_pnl: unrealisedPnl(p, mark),
    };
  });
  const sum = (f: (p: MarkedPosition) => number) => positions.reduce((s, p) => s + f(p), 0);
  return {
    cash,
    equity: round(cash + sum((p) => p.market_value)),
    unrealised_pnl: round(sum((p) => p.unrealised_pnl)),
    positions,
  };
}
