/**
 * Following a table's changes. A store announces every committed change on its channel
 * (`{"op", "id"}`, see row_change.ts): the API's pipeline store on PIPELINE_CHANGES_CHANNEL, the
 * scanner store on SCANNER_CHANGES_CHANNEL. A follower (the dispatcher's index and the scheduler
 * for pipelines, the signal generator for user scanners) keeps its own copy of the rows it needs:
 * it loads them all, applies each change as it comes, and loads them all again whenever changes
 * may have been missed, which is when the LISTEN connection comes back after a drop.
 */
import type { Sql } from "./db.ts";
import type { Logger } from "./logging.ts";
import { PIPELINE_CHANGES_CHANNEL } from "./names.ts";
import { type RowChange, rowChangeSchema } from "./schemas/row_change.ts";

/** What a follower does with the changes. */
export interface ChangeHandlers {
  /** One row was created, changed (`upsert`) or deleted. */
  onChange(change: RowChange): void;
  /** Changes may have been missed (the LISTEN connection was re-established): load all again. */
  onResync(): void;
}

/**
 * Listens on `channel` until `signal` aborts; resolves once listening, so a load that starts
 * after it misses no change. An unreadable payload is logged and ignored (only the stores notify
 * on the channels).
 */
export async function followChanges(
  sql: Sql,
  channel: string,
  handlers: ChangeHandlers,
  options: { signal: AbortSignal; log: Logger },
): Promise<void> {
  let listening = false;
  const listener = await sql.listen(channel, (payload) => {
    const change = rowChangeSchema.safeParse(parseJson(payload));
    if (change.success) handlers.onChange(change.data);
    else {options.log.warn("Ignored change {payload} on {channel}: not a row change", {
        payload,
        channel,
      });}
  }, () => {
    // Called on the first LISTEN and on every reconnect; only a reconnect may have missed changes.
    if (listening) handlers.onResync();
    listening = true;
  });
  if (options.signal.aborted) await listener.unlisten().catch(() => {});
  else {
    options.signal.addEventListener("abort", () => listener.unlisten().catch(() => {}), {
      once: true,
    });
  }
}

/** {@linkcode followChanges} on PIPELINE_CHANGES_CHANNEL. */
export function followPipelineChanges(
  sql: Sql,
  handlers: ChangeHandlers,
  options: { signal: AbortSignal; log: Logger },
): Promise<void> {
  return followChanges(sql, PIPELINE_CHANGES_CHANNEL, handlers, options);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
