/**
 * `/signals`, `/signals/:id` and `/analytics`: the signal log, one signal's lineage, and the
 * analytics, from the same store functions the JSON routes call.
 */
import { Hono } from "hono";
import { createAnalyticsStore } from "../../analytics_store.ts";
import { createExecutionStore, type ExecutionRow } from "../../execution_store.ts";
import { decodeCursor, encodeCursor } from "../../page_cursor.ts";
import { createSignalStore } from "../../signal_store.ts";
import { notFoundResponse, pageResponse } from "../page_response.tsx";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { AnalyticsBody } from "./analytics_page.tsx";
import { SignalLineage } from "./signal_page.tsx";
import { SignalsList } from "./signals_page.tsx";
import { liveSignalsUrl } from "./live_signals.tsx";
import { signalFilterOf } from "./signal_filter.ts";

const PAGE = 50;
const DAY_MS = 86_400_000;
const anyId = (id: string) => id.length > 0 && id.length <= 200;

/** The signal pages, mounted at the root behind the browser session. */
export function signalPages(deps: UiDeps) {
  const signals = createSignalStore(deps.sql);
  const analytics = createAnalyticsStore(deps.sql);
  const executions = createExecutionStore(deps.sql);

  return new Hono<UiEnv>()
    .get("/signals", async (c) => {
      const q = c.req.query();
      const filters = signalFilterOf(q);
      const after = q.cursor ? decodeCursor(q.cursor, anyId) : null;
      const rows = await signals.list(c.get("userId"), filters, { limit: PAGE, after });
      const last = rows.at(-1);
      const next = last && rows.length === PAGE
        ? new URLSearchParams({
          ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
          cursor: encodeCursor({ at: last.sort_key, id: last.signal_id }),
        }).toString()
        : null;
      return pageResponse(
        c,
        "Signals",
        <SignalsList
          signals={rows}
          filters={filters}
          next={next}
          stream={after ? undefined : liveSignalsUrl(filters, rows)}
        />,
        { path: "/signals" },
      );
    })
    .get("/signals/:id", async (c) => {
      const id = c.req.param("id");
      const userId = c.get("userId");
      const signal = await signals.get(userId, id);
      if (!signal) return notFoundResponse(c, `Signal "${id}"`, { path: "/signals" });
      const decisions = await signals.decisionsOn(userId, id);
      const ids = decisions.flatMap((d) => d.execution_id ? [d.execution_id] : []);
      const [rows, orders] = await Promise.all([
        Promise.all(ids.map((e) => executions.get(userId, e))),
        signals.ordersOf(ids),
      ]);
      const byId = new Map<string, ExecutionRow>(rows.flatMap((r) => r ? [[r.id, r]] : []));
      return pageResponse(
        c,
        "Signal",
        <SignalLineage signal={signal} decisions={decisions} executions={byId} orders={orders} />,
        { path: "/signals" },
      );
    })
    .get("/analytics", async (c) => {
      const userId = c.get("userId");
      const to = new Date();
      const range = { from: new Date(to.getTime() - DAY_MS).toISOString(), to: to.toISOString() };
      const [funnel, byDirection, latency, quality] = await Promise.all([
        analytics.funnel(userId, range, "pipeline"),
        analytics.funnel(userId, range, "direction"),
        analytics.latency(userId, range),
        analytics.quality(
          userId,
          { from: new Date(to.getTime() - 30 * DAY_MS).toISOString(), to: range.to },
          { horizon: 5 },
        ),
      ]);
      return pageResponse(
        c,
        "Analytics",
        <AnalyticsBody
          {...range}
          funnel={funnel}
          byDirection={byDirection}
          latency={latency.find((r) => r.pipeline_id === null)}
          quality={quality}
        />,
        { path: "/signals" },
      );
    });
}
