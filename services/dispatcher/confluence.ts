/**
 * Confluence, pure: a pipeline fires when `k` of its `n` named sources agree on a direction for
 * one ticker within `within_seconds` (optionally in the listed order). Each matching signal is a
 * contribution: its source's latest signal (id and event time) is kept per pipeline, ticker and
 * direction (in Redis, confluence_state.ts), and the decision is taken on what is kept.
 *
 * Once per window, like a Sigma correlation rule (`temporal`, `gte k`, `timespan`), which alerts
 * once per group and time window rather than on every further event inside it: after a fire, the
 * same pipeline, ticker and direction stay quiet for signals within `within_seconds` of the
 * firing signal's time, and re-arm after it; a later quorum then fires again. A third source, or
 * a source signalling again, inside the window does not fire a second time. (The earlier rule,
 * "fire when the quorum did not hold without this source", refired as soon as a source repeated
 * itself, and never fired for a quorum that had formed while suppressed.)
 *
 * Redelivery: a redelivered signal finds the same kept state and forms the same contributors,
 * hence the same deterministic id; when that id is the last fire's, it is given again, and the
 * claim's `(pipeline_id, signal_id)` index refuses it a second time, so a crash between recording
 * the fire and claiming it loses nothing. Times are the signals' own (emitted_at), never the wall
 * clock, so a restart or a rebalance decides the same way.
 */
import { createHash } from "node:crypto";
import type { Confluence } from "../../shared/schemas/pipeline.ts";

/** A source's latest signal, as kept. */
export interface ConfluenceEntry {
  source: string;
  signal_id: string;
  /** Event time, epoch ms. */
  t: number;
}

/** The last fire of one pipeline, ticker and direction: its id and its firing signal's time. */
export interface ConfluenceLastFire {
  signal_id: string;
  /** Event time of the signal that fired it, epoch ms. */
  t: number;
}

/** What firing records: the contributors in event-time order, and the derived id. */
export interface ConfluenceFire {
  signal_id: string;
  contributors: ConfluenceEntry[];
}

/**
 * The contributors that form a quorum with `entries` (the kept ones, `current` included), or
 * null. Only entries within `within_seconds` of `current` count; `ordered` needs their times to
 * follow the order of `rule.of`.
 */
function quorum(
  entries: readonly ConfluenceEntry[],
  current: ConfluenceEntry,
  rule: Confluence,
): ConfluenceEntry[] | null {
  const windowMs = rule.within_seconds * 1000;
  const bySource = new Map(
    entries.filter((e) => Math.abs(current.t - e.t) <= windowMs).map((e) => [e.source, e]),
  );
  const listed = rule.of.flatMap((name) => bySource.get(name) ?? []);
  if (!rule.ordered) return listed.length >= rule.k ? listed : null;
  // Longest chain in list order with non-decreasing times (n ≤ 10, so quadratic is fine).
  const chains: ConfluenceEntry[][] = [];
  listed.forEach((entry, i) => {
    let best: ConfluenceEntry[] = [];
    for (let j = 0; j < i; j++) {
      if (listed[j]!.t <= entry.t && chains[j]!.length > best.length) best = chains[j]!;
    }
    chains.push([...best, entry]);
  });
  const longest = chains.reduce<ConfluenceEntry[]>((a, b) => (b.length > a.length ? b : a), []);
  return longest.length >= rule.k ? longest : null;
}

/**
 * Whether `current` (already among `entries`) fires the pipeline, and with what, given the last
 * fire (null: none within memory, the default).
 */
export function decideConfluence(
  pipelineId: string,
  entries: readonly ConfluenceEntry[],
  current: ConfluenceEntry,
  rule: Confluence,
  lastFire: ConfluenceLastFire | null = null,
): ConfluenceFire | null {
  const withIt = quorum(entries, current, rule);
  if (!withIt || !withIt.some((e) => e.signal_id === current.signal_id)) return null;
  const contributors = [...withIt].sort((a, b) => a.t - b.t || (a.source < b.source ? -1 : 1));
  const ids = contributors.map((c) => c.signal_id).sort().join("\n");
  const digest = createHash("sha256").update(`${pipelineId}\n${ids}`).digest("hex").slice(0, 32);
  const fire = { signal_id: `confluence:${digest}`, contributors };
  const armed = lastFire === null ||
    Math.abs(current.t - lastFire.t) > rule.within_seconds * 1000;
  return armed || fire.signal_id === lastFire.signal_id ? fire : null;
}
