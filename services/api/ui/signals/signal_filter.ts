/** The signals feed's filters (ticker, scanner, direction), read from a query. Pure. */
import { SIGNAL_TYPES, type SignalType } from "../../../../shared/schemas/signal.ts";

/** What the feed shows; an absent key matches everything. */
export interface SignalFilter {
  ticker?: string;
  scanner?: string;
  direction?: SignalType;
}

/** The filter of a query string's `ticker`, `scanner` and `direction` (blank and unknown ignored). */
export function signalFilterOf(query: Record<string, string | undefined>): SignalFilter {
  const filter: SignalFilter = {};
  const ticker = query.ticker?.trim().toUpperCase();
  const scanner = query.scanner?.trim();
  const direction = query.direction?.trim().toUpperCase();
  if (ticker) filter.ticker = ticker;
  if (scanner) filter.scanner = scanner;
  if (direction && (SIGNAL_TYPES as readonly string[]).includes(direction)) {
    filter.direction = direction as SignalType;
  }
  return filter;
}

/** The query string of a filter, for the feed's event stream URL. */
export function filterQuery(filter: SignalFilter): string {
  const params = new URLSearchParams(
    Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const text = params.toString();
  return text ? `?${text}` : "";
}
