/**
 * `/signals`: the live feed page and its event stream. Rows come from the signal log through the
 * same store as `GET /api/v1/signals` (public signals, and the viewer's own private ones); the stream sends only
 * rows newer than the last it knows of, filtered by the same store query.
 */
import { Hono } from "hono";
import { createSignalStore, type SignalRow } from "../../signal_store.ts";
import { Layout } from "../layout.tsx";
import { changeStream } from "../live/change_stream.ts";
import { SIGNALS_TOPIC } from "../live/live_hub.ts";
import { csrfToken } from "../session/cookies.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { filterQuery, signalFilterOf } from "./signal_filter.ts";
import { SignalRows, SignalsFeed } from "./signals_page.tsx";

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

/** The signals pages, mounted at the root behind the browser session. */
export function signalPages(deps: UiDeps) {
  const store = createSignalStore(deps.sql);
  return new Hono<UiEnv>()
    .get("/signals", async (c) => {
      const filter = signalFilterOf(c.req.query());
      const rows = await store.list(c.get("userId"), filter, { limit: SHOWN, after: null });
      const query = new URLSearchParams(filterQuery(filter).slice(1));
      query.set("since", rows[0]?.sort_key ?? new Date().toISOString());
      return c.html(
        <Layout title="Signals" path="/signals" csrf={csrfToken(c)} email={c.get("email")}>
          <SignalsFeed filter={filter} rows={rows} stream={`/signals/events?${query}`} />
        </Layout>,
      );
    })
    .get("/signals/events", (c) => {
      const filter = signalFilterOf(c.req.query());
      const viewer = c.get("userId");
      let cursor = c.req.query("since") ?? new Date().toISOString();
      if (Number.isNaN(Date.parse(cursor.replace(" ", "T").replace(/\+00$/, "Z")))) {
        cursor = new Date().toISOString();
      }
      return changeStream(c, {
        hub: deps.hub,
        topic: SIGNALS_TOPIC,
        event: "signals",
        render: async () => {
          const rows = await store.list(viewer, { ...filter, from: cursor }, {
            limit: SHOWN,
            after: null,
          });
          const fresh = rows.filter((r) => isAfter(r, cursor));
          if (fresh.length === 0) return null;
          cursor = fresh[0]!.sort_key;
          return (<SignalRows rows={fresh} />).toString();
        },
      });
    });
}
