import assert from "node:assert/strict";
import { formatProblem, parseCsvBars } from "./csv_bars.ts";

const data = new URL("../../tests/data/market/", import.meta.url);
const read = (name: string) => Deno.readTextFile(new URL(name, data));

Deno.test("csv: Yahoo layout, ticker from the file name", async () => {
  const { bars, problems } = parseCsvBars(await read("yahoo/AAPL.csv"), { file: "yahoo/AAPL.csv" });
  assert.deepEqual(problems, []);
  assert.equal(bars.length, 5);
  assert.deepEqual(bars[0], {
    ticker: "AAPL",
    date: "2024-03-01",
    open: 179.550003,
    high: 180.529999,
    low: 177.380005,
    close: 179.660004,
    adj_close: 178.985321,
    volume: 73488000,
  });
});

Deno.test("csv: lower-case snake_case headers, CRLF line ends, lower-case file name", async () => {
  const { bars, problems } = parseCsvBars(await read("yahoo/msft.csv"), { file: "msft.csv" });
  assert.deepEqual(problems, []);
  assert.deepEqual(bars.map((b) => [b.ticker, b.date, b.close, b.adj_close]), [
    ["MSFT", "2024-03-01", 415.5, 413],
    ["MSFT", "2024-03-04", 414.920013, 412.42],
  ]);
});

Deno.test("csv: a ticker column, and missing OHLC columns taken from the close", async () => {
  const { bars, problems } = parseCsvBars(await read("tickers.csv"), { file: "tickers.csv" });
  assert.deepEqual(problems, []);
  assert.deepEqual(bars.map((b) => `${b.ticker} ${b.date}`), [
    "NVDA 2024-03-01",
    "AMD 2024-03-01",
    "NVDA 2024-03-04",
    "AMD 2024-03-04",
  ]);
  assert.deepEqual(bars[0], {
    ticker: "NVDA",
    date: "2024-03-01",
    open: 822.789978,
    high: 822.789978,
    low: 822.789978,
    close: 822.789978,
    adj_close: 822.789978,
    volume: 0,
  });
});

Deno.test("csv: every damaged row is reported with file and line, and the good ones kept", async () => {
  const { bars, problems } = parseCsvBars(await read("damaged.csv"), {
    file: "damaged.csv",
    ticker: "BAD",
  });
  assert.deepEqual(bars.map((b) => [b.date, b.close]), [["2024-03-01", 10.5], [
    "2024-03-11",
    11.5,
  ]]);
  assert.deepEqual(problems.map(formatProblem), [
    'damaged.csv:3: field "open" is "null": must be a positive number',
    'damaged.csv:4: field "close" is "-3": must be a positive number',
    'damaged.csv:5: field "date" is "03/06/2024": must be a date YYYY-MM-DD',
    "damaged.csv:6: expected 7 fields, found 5",
    'damaged.csv:7: field "date" is "2024-02-30": must be a date YYYY-MM-DD',
    'damaged.csv:8: date "2024-03-01" of BAD is not after the previous bar\'s "2024-03-01"',
    'damaged.csv:10: field "close" is "abc": must be a positive number',
  ]);
});

Deno.test("csv: a file without a date or close column is one problem, not a crash", () => {
  const result = parseCsvBars("Day,Price\n2024-03-01,1\n", { file: "x.csv", ticker: "X" });
  assert.deepEqual(result.bars, []);
  assert.deepEqual(result.problems.map(formatProblem), [
    'x.csv:1: Cannot read bars: column "date" and "close" is missing from header "Day,Price"',
  ]);
  assert.deepEqual(parseCsvBars("", { file: "empty.csv" }).bars, []);
  const badTicker = parseCsvBars("ticker,date,close\n$$$,2024-03-01,1\n", { file: "t.csv" });
  assert.match(
    formatProblem(badTicker.problems[0]!),
    /^t\.csv:2: ticker "\$\$\$" must be a ticker/,
  );
});
