-- Daily bars the generator reads (for agents), and the per-user paper-trading ledger.
-- Money, prices and quantities are numeric: exact decimals, never binary floats.

CREATE TABLE market_bars (
  ticker    text NOT NULL,
  date      date NOT NULL,
  open      numeric NOT NULL,
  high      numeric NOT NULL,
  low       numeric NOT NULL,
  close     numeric NOT NULL,
  adj_close numeric NOT NULL,
  volume    numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (ticker, date)
);

-- One user may hold several accounts; agents name one ("default" unless configured), and it is
-- created on first use.
CREATE TABLE paper_accounts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  currency      text NOT NULL DEFAULT 'USD',
  starting_cash numeric NOT NULL CHECK (starting_cash >= 0),
  cash          numeric NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_id, name)
);

CREATE TYPE paper_side AS ENUM ('buy', 'sell');
CREATE TYPE paper_order_status AS ENUM ('filled', 'rejected');

-- An order is booked once per (execution, step): a retried run finds its order instead of
-- placing a second one. Orders outlive the execution that placed them.
CREATE TABLE paper_orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  execution_id    uuid REFERENCES pipeline_executions (id) ON DELETE SET NULL,
  step_id         text,
  signal_id       text,
  ticker          text NOT NULL,
  side            paper_side NOT NULL,
  quantity        numeric NOT NULL CHECK (quantity > 0),
  requested_price numeric NOT NULL CHECK (requested_price > 0),
  fill_price      numeric,
  fees            numeric NOT NULL DEFAULT 0,
  slippage_bps    numeric NOT NULL DEFAULT 0,
  status          paper_order_status NOT NULL,
  reject_reason   text,
  bar_date        date,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (execution_id, step_id),
  CHECK ((status = 'filled') = (fill_price IS NOT NULL))
);
CREATE INDEX paper_orders_account_idx ON paper_orders (account_id, created_at DESC, id);

CREATE TABLE paper_fills (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id     uuid NOT NULL REFERENCES paper_orders (id) ON DELETE CASCADE,
  account_id   uuid NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  ticker       text NOT NULL,
  side         paper_side NOT NULL,
  quantity     numeric NOT NULL CHECK (quantity > 0),
  price        numeric NOT NULL CHECK (price > 0),
  fees         numeric NOT NULL DEFAULT 0,
  -- Price P&L this fill realised against the position's average cost (fees excluded).
  realised_pnl numeric NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paper_fills_account_idx ON paper_fills (account_id, created_at DESC);

-- Signed quantity (negative: short). A closed position keeps its row for its realised P&L.
CREATE TABLE paper_positions (
  account_id   uuid NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  ticker       text NOT NULL,
  quantity     numeric NOT NULL DEFAULT 0,
  avg_price    numeric NOT NULL DEFAULT 0,
  realised_pnl numeric NOT NULL DEFAULT 0,
  fees_paid    numeric NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, ticker)
);

CREATE TABLE paper_equity_snapshots (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL DEFAULT now(),
  equity     numeric NOT NULL,
  cash       numeric NOT NULL
);
CREATE INDEX paper_equity_snapshots_account_idx ON paper_equity_snapshots (account_id, at DESC, id DESC);
