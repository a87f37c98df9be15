/**
 * Confluence, pure: a pipeline fires when `k` of its `n` named sources agree on a direction for
 * one ticker within `within_seconds` (optionally in the listed order). Each matching signal is a
 * contribution: its source's latest signal (id and event time) is kept per pipeline, ticker and
 * direction (in Redis, confluence_state.ts), and the decision is taken on what is kept.
 *
 * A contribution fires when the quorum holds with it and did not hold without its source: so a
 * quorum fires once, a third source arriving later does not fire it again, and a redelivered
 * signal (same state, same decision) yields the same deterministic id, which the claim's
 * `(pipeline_id, signal_id)` index refuses a second time. Times are the signals' own (emitted_at),
 * never the wall clock, so a restart or a rebalance decides the same way.
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

/** Whether `current` (already among `entries`) fires the pipeline, and with what. */
export function decideConfluence(
  pipelineId: string,
  entries: readonly ConfluenceEntry[],
  current: ConfluenceEntry,
  rule: Confluence,
): ConfluenceFire | null {
  const withIt = quorum(entries, current, rule);
  if (!withIt || !withIt.some((e) => e.signal_id === current.signal_id)) return null;
  const others = entries.filter((e) => e.source !== current.source);
  if (quorum(others, current, rule)) return null;
  const contributors = [...withIt].sort((a, b) => a.t - b.t || (a.source < b.source ? -1 : 1));
  const ids = contributors.map((c) => c.signal_id).sort().join("\n");
  const digest = createHash("sha256").update(`${pipelineId}\n${ids}`).digest("hex").slice(0, 32);
  return { signal_id: `confluence:${digest}`, contributors };
}
