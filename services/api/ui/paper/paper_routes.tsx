/** `/paper`: the signed-in owner's paper account page (through the JSON API's paper store). */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { valueAccount } from "../../../../shared/ledger/accounts.ts";
import { readBars } from "../../../../shared/market/bars_store.ts";
import { createPaperStore } from "../../paper_store.ts";
import { pageResponse } from "../page_response.tsx";
import { knownTickers } from "../pipelines/run_summaries.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { candles, chartMarkers } from "./chart_data.ts";
import { fillMarks, signalMarks } from "./chart_queries.ts";
import { PaperAccountView } from "./paper_page.tsx";

/** The paper pages, mounted at the root behind the browser session. */
export function paperPages(deps: UiDeps) {
  const store = createPaperStore(deps.sql);
  return new Hono<UiEnv>().get("/paper", async (c) => {
    const owner = c.get("userId");
    const accounts = await store.accounts(owner);
    const chosen = accounts.find((a) => a.id === c.req.query("account")) ?? accounts[0];
    const layout = (body: Child) =>
      pageResponse(c, "Paper account", body, { path: "/paper", scripts: ["chart.js"] });
    if (!chosen) {
      return layout(
        <section class="card">
          <h1>Paper account</h1>
          <p class="empty">
            No paper account yet. A pipeline with a <code>paper_order</code>{" "}
            step opens its account with its first order.
          </p>
        </section>,
      );
    }
    const [valuation, equity, orders, seen] = await Promise.all([
      valueAccount(deps.sql, chosen),
      store.equity(chosen.id, { limit: 1000, after: null }),
      store.orders(chosen.id, { limit: 100, after: null }),
      knownTickers(deps.sql, owner),
    ]);
    const tickers = [...new Set([...valuation.positions.map((p) => p.ticker), ...seen])];
    const ticker = tickers.find((t) => t === c.req.query("ticker")?.toUpperCase()) ?? tickers[0] ??
      null;
    const [bars, signals, fills] = ticker
      ? await Promise.all([
        readBars(deps.sql, ticker, { limit: 365 }),
        signalMarks(deps.sql, owner, ticker),
        fillMarks(deps.sql, chosen.id, ticker),
      ])
      : [[], [], []];
    return layout(
      <PaperAccountView
        accounts={accounts}
        account={{ ...chosen, ...valuation }}
        equity={equity}
        orders={orders}
        tickers={tickers}
        ticker={ticker}
        candles={candles(bars)}
        markers={chartMarkers(bars, [...signals, ...fills])}
      />,
    );
  });
}
