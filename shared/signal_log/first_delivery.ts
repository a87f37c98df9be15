/**
 * Which signal_log rows are a delivery's first logging. A batch whose offsets were not committed
 * (its dispatcher died between the claim and the commit) is consumed again by the next owner of
 * its partitions, and its signals are logged again with a later `received_at`: the claim had
 * already happened, so the second logging decided nothing. Writing each row only once would cost
 * the claim statement an index probe per signal; reads filter instead, by the Kafka coordinates
 * that a redelivery repeats and a producer's replay (a new offset) does not.
 */
import type { Sql } from "../db.ts";

/**
 * How far back a first logging is looked for: a redelivery follows within a group rebalance
 * (seconds), and the bound keeps the probe to one or two daily partitions.
 */
const REDELIVERY_WINDOW = "1 day";

/**
 * True for a row of an unaliased `signal_log` that no earlier row of the same Kafka message entry
 * precedes within {@linkcode REDELIVERY_WINDOW}.
 */
export function firstDelivery(sql: Sql) {
  return sql`not exists (select from signal_log earlier
    where earlier.signal_id = signal_log.signal_id
      and earlier.kafka_offset = signal_log.kafka_offset
      and earlier.partition = signal_log.partition and earlier.topic = signal_log.topic
      and earlier.signal_index = signal_log.signal_index
      and earlier.received_at < signal_log.received_at
      and earlier.received_at >= signal_log.received_at - ${REDELIVERY_WINDOW}::interval)`;
}
