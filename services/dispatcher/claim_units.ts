/**
 * A batch's claim statement split by signal, for finding the one the database refuses: a unit is
 * one accepted signal (its claim requests and its signal log row) or one rejected message's or
 * entry's log row. Built only when a batch's statement has failed (isolate_faults.ts).
 */
import type { ClaimRequest } from "../../shared/executions/claim.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import type { SignalLogRow } from "../../shared/signal_log/signal_log_row.ts";
import type { DecodedMessage } from "./decoded_message.ts";
import type { BatchPlan } from "./plan.ts";

/** One signal's share of a claim statement. */
export interface ClaimUnit {
  message: DecodedMessage;
  /** The signal's place in its message's `tickers`. */
  index: number;
  /** The accepted signal; null for a rejection's row. */
  signal: TickerSignal | null;
  requests: ClaimRequest[];
  log: SignalLogRow[];
}

const at = (topic: string, partition: number, offset: string) =>
  `${topic}\n${partition}\n${offset}`;

/** Splits `plan`'s requests and the signal log rows `log` of `messages` into units. */
export function claimUnits(
  messages: readonly DecodedMessage[],
  plan: Pick<BatchPlan, "requests" | "origins">,
  log: readonly SignalLogRow[],
): ClaimUnit[] {
  const byCoordinates = new Map(messages.map((m) => [at(m.topic, m.partition, m.offset), m]));
  const units = new Map<string, ClaimUnit>();
  const unit = (message: DecodedMessage, index: number, accepted: boolean) => {
    const key = `${at(message.topic, message.partition, message.offset)}\n${index}\n${accepted}`;
    let found = units.get(key);
    if (!found) {
      const position = message.parsed.ok && accepted ? message.parsed.indexes.indexOf(index) : -1;
      const signal = message.parsed.ok ? message.parsed.signals[position] ?? null : null;
      units.set(key, found = { message, index, signal, requests: [], log: [] });
    }
    return found;
  };
  for (const row of log) {
    const message = byCoordinates.get(at(row.topic, row.partition, row.kafka_offset));
    if (message) unit(message, row.signal_index, row.reject_reason === undefined).log.push(row);
  }
  for (const request of plan.requests) {
    const origin = plan.origins.get(request);
    if (origin) unit(origin.message, origin.index, true).requests.push(request);
  }
  return [...units.values()];
}
