/**
 * Following pipeline changes. The API announces every committed change on
 * PIPELINE_CHANGES_CHANNEL (`{"op", "id"}`, see pipeline_store.ts); a follower (the dispatcher's
 * index, the scheduler, the user scanners) keeps its own copy of the pipelines it needs: it loads
 * them all, applies each change as it comes, and loads them all again whenever changes may have
 * been missed, which is when the LISTEN connection comes back after a drop.
 */
import type { Sql } from "./db.ts";
import type { Logger } from "./logging.ts";
import { PIPELINE_CHANGES_CHANNEL } from "./names.ts";
import { type PipelineChange, pipelineChangeSchema } from "./schemas/pipeline.ts";

/** What a follower does with the changes. */
export interface PipelineChangeHandlers {
  /** One pipeline was created, changed (`upsert`) or deleted. */
  onChange(change: PipelineChange): void;
  /** Changes may have been missed (the LISTEN connection was re-established): load all again. */
  onResync(): void;
}

/**
 * Listens until `signal` aborts; resolves once listening, so a load that starts after it misses
 * no change. An unreadable payload is logged and ignored (only the API notifies on the channel).
 */
export async function followPipelineChanges(
  sql: Sql,
  handlers: PipelineChangeHandlers,
  options: { signal: AbortSignal; log: Logger },
): Promise<void> {
  let listening = false;
  const listener = await sql.listen(PIPELINE_CHANGES_CHANNEL, (payload) => {
    const change = pipelineChangeSchema.safeParse(parseJson(payload));
    if (change.success) handlers.onChange(change.data);
    else options.log.warn("Ignored pipeline change {payload}: not a pipeline change", { payload });
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
