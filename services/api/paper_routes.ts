/**
 * `/api/v1/paper`: the caller's paper-trading accounts, and per account its open positions,
 * orders and equity history (newest first, paginated). Another user's account answers 404.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Sql } from "../../shared/db.ts";
import {
  ACCOUNT_COLUMNS,
  DEFAULT_STARTING_CASH,
  type PaperAccount,
  valueAccount,
} from "../../shared/ledger/accounts.ts";
import { accountStats } from "../../shared/ledger/account_stats.ts";
import { EXIT_REASONS } from "../../shared/ledger/exits.ts";
import { accountNameSchema } from "../../shared/schemas/account_name.ts";
import { ApiError } from "./api_error.ts";
import { notFound } from "./api_error.ts";
import { idParamSchema, pageQueryShape } from "./api_schemas.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";
import { cursorParam, pageOf } from "./page_cursor.ts";
import { createPaperStore } from "./paper_store.ts";

const timestamp = z.string().openapi({ format: "date-time" });
const money = z.number();

const accountSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  currency: z.string(),
  starting_cash: money,
  cash: money,
  equity: money.openapi({ description: "Cash plus open positions at the latest stored closes" }),
  unrealised_pnl: money,
  realised_pnl: money.openapi({ description: "Price P&L of closed quantities, fees excluded" }),
  fees_paid: money,
  created_at: timestamp,
}).openapi("PaperAccount");

const positionSchema = z.object({
  ticker: z.string(),
  quantity: z.number().openapi({ description: "Negative for a short" }),
  avg_price: money,
  mark: money.openapi({ description: "Latest stored close (the average price without one)" }),
  market_value: money,
  unrealised_pnl: money,
  realised_pnl: money,
}).openapi("PaperPosition");

const orderSchema = z.object({
  id: z.uuid(),
  execution_id: z.uuid().nullable(),
  step_id: z.string().nullable(),
  signal_id: z.string().nullable(),
  ticker: z.string(),
  side: z.enum(["buy", "sell"]),
  quantity: z.number(),
  requested_price: money,
  fill_price: money.nullable(),
  fees: money,
  slippage_bps: z.number(),
  status: z.enum(["filled", "rejected"]),
  reject_reason: z.string().nullable(),
  bar_date: z.string().nullable(),
  created_at: timestamp,
}).openapi("PaperOrder");

const snapshotSchema = z.object({
  at: timestamp,
  equity: money,
  cash: money,
  bar_date: z.string().nullable().openapi({
    description: "The bar the mark is at (one per day); null for a snapshot taken at a fill",
  }),
}).openapi("PaperEquitySnapshot");

const newAccountSchema = z.object({
  name: accountNameSchema,
  starting_cash: z.number().positive().finite().max(1e12).default(DEFAULT_STARTING_CASH),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be a 3-letter currency code").default("USD"),
}).strict().openapi("NewPaperAccount");

const statsSchema = z.object({
  trades: z.number(),
  open_trades: z.number(),
  win_rate_pct: z.number().nullable(),
  profit_factor: z.number().nullable(),
  starting_cash: money,
  final_equity: money.openapi({ description: "Equity at the latest daily mark" }),
  total_return_pct: z.number(),
  cagr_pct: z.number().nullable(),
  max_drawdown_pct: z.number(),
  sharpe: z.number().nullable(),
  exposure_pct: z.number(),
  buy_and_hold_return_pct: z.number().nullable(),
}).openapi("PaperAccountStats");

const tradeSchema = z.object({
  ticker: z.string(),
  side: z.enum(["long", "short"]),
  quantity: z.number(),
  entry_date: z.string().nullable(),
  entry_price: money,
  exit_date: z.string().nullable(),
  exit_price: money.nullable(),
  exit_reason: z.enum(EXIT_REASONS).nullable(),
  pnl: money,
  return_pct: z.number(),
  fees: money,
}).openapi("PaperTrade");

const page = <S extends z.ZodType>(item: S, name: string) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() }).openapi(name);

const tags = ["paper trading"];
const pageQuery = z.object(pageQueryShape);

/** The paper-trading routes, mounted at /api/v1/paper behind bearer auth. */
export function paperRoutes(deps: { sql: Sql }) {
  const { sql } = deps;
  const store = createPaperStore(sql);
  const ownAccount = async (ownerId: string, id: string): Promise<PaperAccount> => {
    const account = await store.account(ownerId, id);
    if (!account) throw notFound("Paper account", id);
    return account;
  };

  const accountJson = async (a: PaperAccount) => {
    const [totals] = await sql<{ realised_pnl: number; fees_paid: number }[]>`
      select coalesce(sum(realised_pnl), 0)::float8 as realised_pnl,
        coalesce(sum(fees_paid), 0)::float8 as fees_paid
      from paper_positions where account_id = ${a.id}`;
    const { equity, unrealised_pnl } = await valueAccount(sql, a);
    const { owner_id: _owner, created_at, ...fields } = a;
    return {
      ...fields,
      ...totals!,
      equity,
      unrealised_pnl,
      created_at: created_at.toISOString(),
    };
  };

  return createRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/accounts",
        tags,
        summary: "Open a paper account (a pipeline trades in it when its `account` names it)",
        request: { body: jsonBody(newAccountSchema) },
        responses: {
          201: jsonResponse(accountSchema, "The new account"),
          ...errorResponses(400, 401, 409, 415, 422),
        },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const [account] = await sql<PaperAccount[]>`
          insert into paper_accounts (owner_id, name, currency, starting_cash, cash)
          values (${c.get("userId")}, ${body.name}, ${body.currency}, ${body.starting_cash},
            ${body.starting_cash})
          on conflict (owner_id, name) do nothing
          returning ${sql.unsafe(ACCOUNT_COLUMNS)}`;
        if (!account) throw new ApiError(409, `Paper account "${body.name}" exists already`);
        return c.json(await accountJson(account), 201);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/accounts/{id}/reset",
        tags,
        summary: "Start an account over: its orders, fills, positions and equity are deleted " +
          "and its cash is its starting cash again",
        request: { params: idParamSchema },
        responses: {
          200: jsonResponse(accountSchema, "The account, as new"),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const owner = c.get("userId");
        const account = await sql.begin(async (tx) => {
          const [locked] = await tx<PaperAccount[]>`
            update paper_accounts set cash = starting_cash
            where id = ${id} and owner_id = ${owner}
            returning ${tx.unsafe(ACCOUNT_COLUMNS)}`;
          if (!locked) return null;
          await tx`delete from paper_orders where account_id = ${id}`;
          await tx`delete from paper_positions where account_id = ${id}`;
          await tx`delete from paper_equity_snapshots where account_id = ${id}`;
          return locked;
        }) as PaperAccount | null;
        if (!account) throw notFound("Paper account", id);
        return c.json(await accountJson(account), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/accounts/{id}/stats",
        tags,
        summary: "An account's figures (from its daily equity marks) and its round-trip trades",
        request: { params: idParamSchema },
        responses: {
          200: jsonResponse(
            z.object({ stats: statsSchema, trades: z.array(tradeSchema) }),
            "Figures and trades",
          ),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const account = await ownAccount(c.get("userId"), c.req.valid("param").id);
        return c.json(await accountStats(sql, account), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/accounts",
        tags,
        summary:
          "Your paper accounts, valued (a pipeline's own account opens with its first order)",
        responses: {
          200: jsonResponse(z.object({ items: z.array(accountSchema) }), "Every account"),
          ...errorResponses(401),
        },
      }),
      async (c) => {
        const accounts = await store.accounts(c.get("userId"));
        const items = accounts.map(({ owner_id: _owner, positions: _p, created_at, ...a }) => ({
          ...a,
          created_at: created_at.toISOString(),
        }));
        return c.json({ items }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/accounts/{id}/positions",
        tags,
        summary: "An account's open positions at the latest stored closes",
        request: { params: idParamSchema },
        responses: {
          200: jsonResponse(z.object({ items: z.array(positionSchema) }), "Open positions"),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const account = await ownAccount(c.get("userId"), c.req.valid("param").id);
        const { positions } = await valueAccount(sql, account);
        return c.json({ items: positions }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/accounts/{id}/orders",
        tags,
        summary: "An account's orders, filled and rejected, newest first",
        request: { params: idParamSchema, query: pageQuery },
        responses: {
          200: jsonResponse(page(orderSchema, "PaperOrderPage"), "One page"),
          ...errorResponses(400, 401, 404),
        },
      }),
      async (c) => {
        const account = await ownAccount(c.get("userId"), c.req.valid("param").id);
        const { limit, cursor } = c.req.valid("query");
        const after = cursorParam(cursor);
        const rows = await store.orders(account.id, { limit, after });
        return c.json(
          pageOf(rows, limit, ({ sort_key: _key, account_id: _account, created_at, ...o }) => ({
            ...o,
            created_at: created_at.toISOString(),
          })),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/accounts/{id}/equity",
        tags,
        summary:
          "An account's equity: marked at each bar's close, and after each fill; newest first",
        request: { params: idParamSchema, query: pageQuery },
        responses: {
          200: jsonResponse(page(snapshotSchema, "PaperEquityPage"), "One page"),
          ...errorResponses(400, 401, 404),
        },
      }),
      async (c) => {
        const account = await ownAccount(c.get("userId"), c.req.valid("param").id);
        const { limit, cursor } = c.req.valid("query");
        const after = cursorParam(cursor);
        const rows = await store.equity(account.id, { limit, after });
        return c.json(
          pageOf(rows, limit, (s) => ({
            at: s.at.toISOString(),
            equity: s.equity,
            cash: s.cash,
            bar_date: s.bar_date,
          })),
          200,
        );
      },
    );
}
