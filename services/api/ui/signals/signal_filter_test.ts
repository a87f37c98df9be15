import assert from "node:assert/strict";
import { filterQuery, signalFilterOf } from "./signal_filter.ts";

Deno.test("signalFilterOf: trims, upper-cases tickers and directions, ignores blanks and unknowns", () => {
  assert.deepEqual(signalFilterOf({ ticker: " aapl ", scanner: "rsi", direction: "bullish" }), {
    ticker: "AAPL",
    scanner: "rsi",
    direction: "BULLISH",
  });
  assert.deepEqual(signalFilterOf({ ticker: "", scanner: " ", direction: "SIDEWAYS" }), {});
});

Deno.test("filterQuery: the filter as a query string, empty for none", () => {
  assert.equal(filterQuery({}), "");
  assert.equal(
    filterQuery({ ticker: "BRK.B", direction: "BEARISH" }),
    "?ticker=BRK.B&direction=BEARISH",
  );
});
