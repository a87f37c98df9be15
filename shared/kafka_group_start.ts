/**
 * Where a consumer group that must not skip starts (the dispatcher's on signals, the paper
 * ledger's on bars). A new group starts at the end of its topic: signals sent before the
 * dispatcher was first deployed are history, not orders. After that, every message is delivered
 * at least once, whatever dies when.
 *
 * kafkajs' `fromBeginning: false` is not that. It sends a partition with no committed offset to
 * its newest offset each time the partition is assigned, so a dispatcher that dies (or stops)
 * before its first commit on a partition, or a rebalance before it, makes the next owner skip
 * everything the first one had fetched and everything sent in between. The chaos suite lost 83
 * to 166 signals that way after a dispatcher SIGKILL.
 *
 * So the group's start is written down once, as committed offsets at the topic's ends, before its
 * first member joins; the consumer then uses `fromBeginning: true`, which only ever applies to a
 * partition with no committed offset: one added to the topic later, whose messages are all new.
 */
import type { Kafka } from "kafkajs";
import { sleep } from "./sleep.ts";

/** What {@linkcode startNewGroupAtEnd} found and did. */
export type GroupStart =
  /** The group has committed offsets on the topic: it goes on from them. */
  | { started: false }
  /** A new group: its offsets were committed at the topic's ends (high watermark per partition). */
  | { started: true; offsets: { partition: number; offset: string }[] }
  /**
   * A new group with a running member that has not committed within `waitMs`: an older
   * dispatcher, which never commits a start. Its partitions without an offset start at their
   * beginning for this one.
   */
  | { started: false; uncommitted: true };

/** Options of {@linkcode startNewGroupAtEnd}. */
export interface GroupStartOptions {
  /** How long to wait for another new member's start to be committed; default 15 000 ms. */
  waitMs?: number;
}

/** Commits the topic's end offsets for `groupId` if the group has never committed on `topic`. */
export async function startNewGroupAtEnd(
  kafka: Kafka,
  groupId: string,
  topic: string,
  options: GroupStartOptions = {},
): Promise<GroupStart> {
  const admin = kafka.admin();
  await admin.connect();
  const hasStart = async () => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return committed?.partitions.some((p) => Number(p.offset) >= 0) ?? false;
  };
  try {
    if (await hasStart()) return { started: false };
    const offsets = (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: p.high,
    }));
    try {
      // kafkajs commits these through a short-lived member of the group, and refuses when the
      // group has running members. Two new dispatchers starting at once may both get here: the
      // later ends win, and only signals sent before either one consumed are left out.
      await admin.setOffsets({ groupId, topic, partitions: offsets });
      return { started: true, offsets };
    } catch (error) {
      if (!/must have no running instances/.test((error as Error).message)) throw error;
    }
    // Another new dispatcher is committing the start: joining now would take partitions away
    // from its short-lived member before it commits them. Wait for the start instead.
    const deadline = performance.now() + (options.waitMs ?? 15_000);
    while (performance.now() < deadline) {
      if (await hasStart()) return { started: false };
      await sleep(250);
    }
    return { started: false, uncommitted: true };
  } finally {
    await admin.disconnect();
  }
}
