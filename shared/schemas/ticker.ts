/** Ticker symbols: trimmed, upper-cased, symbol-shaped (`AAPL`, `BRK.B`, `BTC-USD`, `^GSPC`). */
import { z } from "../zod.ts";

/** Pattern of a normalised ticker. */
export const TICKER_PATTERN = /^\^?[A-Z0-9]{1,10}([.\-=/][A-Z0-9]{1,10}){0,2}$/;

/** A ticker symbol; input is trimmed and upper-cased before the pattern is checked. */
export const tickerSchema = z.string().trim().toUpperCase().regex(
  TICKER_PATTERN,
  "must be a ticker symbol such as AAPL, BRK.B or BTC-USD",
);
