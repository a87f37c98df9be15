/**
 * An event stream that re-renders a page's live sections whenever the hub says they changed:
 * changes that arrive while a render runs are coalesced into one more render, so a burst costs one
 * query per section and open page, not one per execution. A comment every 15 s keeps proxies from
 * closing it.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { LiveHub } from "./live_hub.ts";

/** Options of {@linkcode changeStream}. */
export interface ChangeStreamOptions {
  hub: LiveHub;
  topic: string;
  /**
   * Per SSE event name (an htmx `sse-swap` name), its section's HTML now, or null when there is
   * nothing to send. Rendered together, then sent one after the other.
   */
  sections: Record<string, () => Promise<string | null> | string | null>;
  /** Keep-alive comment interval (default 15 000 ms). */
  keepAliveMs?: number;
}

/** The streaming response. */
export function changeStream(c: Context, options: ChangeStreamOptions): Response {
  return streamSSE(c, async (stream) => {
    let dirty = false;
    let wake: (() => void) | null = null;
    const unsubscribe = await options.hub.subscribe(options.topic, () => {
      dirty = true;
      wake?.();
    });
    let ended = false;
    const closed = Promise.race([
      new Promise<void>((resolve) => stream.onAbort(resolve)),
      options.hub.closed,
    ]).then(() => {
      ended = true;
    });
    const keepAlive = setInterval(() => {
      stream.write(": keep-alive\n\n").catch(() => {});
    }, options.keepAliveMs ?? 15_000);
    try {
      // The page may have been rendered before this stream subscribed: send the current state.
      dirty = true;
      while (!ended && !stream.aborted && !stream.closed) {
        if (!dirty) {
          await Promise.race([closed, new Promise<void>((resolve) => wake = resolve)]);
          wake = null;
          continue;
        }
        dirty = false;
        const rendered = await Promise.all(
          Object.entries(options.sections).map(async ([event, render]) => ({
            event,
            html: await render(),
          })),
        );
        for (const { event, html } of rendered) {
          if (html !== null) await stream.writeSSE({ event, data: html });
        }
      }
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
    }
  });
}
