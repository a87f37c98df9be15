-- Protective exits carried by open positions, why an order closed one, and equity marked once
-- per account and bar date (not only at fills).

-- The position's exits and the state they keep between bars (shared/ledger/order_plan.ts,
-- PositionExits); null: none. Cleared when the position closes.
ALTER TABLE paper_positions ADD COLUMN exits jsonb;

CREATE TYPE paper_exit_reason AS ENUM ('stop', 'take_profit', 'trailing', 'time', 'signal');
ALTER TABLE paper_orders ADD COLUMN exit_reason paper_exit_reason;

-- A protective exit (placed by no run) is booked at most once per position and bar.
CREATE UNIQUE INDEX paper_orders_protective_exit_idx ON paper_orders (account_id, ticker, bar_date)
  WHERE execution_id IS NULL AND exit_reason IS NOT NULL AND exit_reason <> 'signal';

-- Finds the open positions a new bar of a ticker concerns.
CREATE INDEX paper_positions_open_ticker_idx ON paper_positions (ticker) WHERE quantity <> 0;

-- One mark per account and bar date (a later bar of the same day updates it); null for the
-- snapshots taken at fills.
ALTER TABLE paper_equity_snapshots ADD COLUMN bar_date date;
CREATE UNIQUE INDEX paper_equity_snapshots_bar_idx ON paper_equity_snapshots (account_id, bar_date)
  WHERE bar_date IS NOT NULL;
