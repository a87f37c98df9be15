/**
 * `/signals/events`: keeps the signal log page live. The hub wakes it when the signal log grows
 * (migration 0019); it reads, through the same store and filters as the page, only the rows after
 * the newest it knows of, and sends them to be prepended to the table.
 */
import { Hono } from "hono";
import { createSignalStore, type SignalRow } from "../../signal_store.ts";
import { changeStream } from "../live/change_stream.ts";
import { SIGNALS_TOPIC } from "../live/live_hub.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { filterQuery, type SignalFilter, signalFilterOf } from "./signal_filter.ts";
import { SignalTableRows } from "./signals_page.tsx";

const SHOWN = 100;

/**
 * Whether `row` came after `cursor`: a row's `sort_key` (received_at as Postgres text, which
 * sorts as text within one time zone) or, before any row was seen, an ISO instant.
 */
export function isAfter(row: Pick<SignalRow, "sort_key" | "received_at">, cursor: string): boolean {
  return cursor.includes("T")
    ? row.received_at.getTime() > Date.parse(cursor)
    : row.sort_key > cursor;
}

/** The event stream URL for a first page showing `rows` (newest first) under `filter`. */
export function liveSignalsUrl(filter: SignalFilter, rows: readonly SignalRow[]): string {
  const query = new URLSearchParams(filterQuery(filter).slice(1));
  query.set("since", rows[0]?.sort_key ?? new Date().toISOString());
  return `/signals/events?${query}`;
}

/** The stream route; mount it before `/signals/:id`. */
export function liveSignalRoutes(deps: UiDeps) {
  const store = createSignalStore(deps.sql);
  return new Hono<UiEnv>().get("/signals/events", (c) => {
    const filter = signalFilterOf(c.req.query());
    const viewer = c.get("userId");
    const since = c.req.query("since") ?? "";
    let cursor = Number.isNaN(Date.parse(since.replace(" ", "T").replace(/\+00$/, "Z")))
      ? new Date().toISOString()
      : since;
    return changeStream(c, {
      hub: deps.hub,
      topic: SIGNALS_TOPIC,
      sections: {
        signals: async () => {
          const rows = await store.list(viewer, { ...filter, from: cursor }, {
            limit: SHOWN,
            after: null,
          });
          const fresh = rows.filter((r) => isAfter(r, cursor));
          if (fresh.length === 0) return null;
          cursor = fresh[0]!.sort_key;
          return (<SignalTableRows signals={fresh} />).toString();
        },
      },
    });
  });
}
