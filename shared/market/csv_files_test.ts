import assert from "node:assert/strict";
import { csvMarketSource } from "./csv_market_source.ts";
import { readCsvBars } from "./csv_files.ts";

const data = new URL("../../tests/data/market/", import.meta.url).pathname;

Deno.test("csv files: a directory gives one series per file, stepped through by date", async () => {
  const market = await readCsvBars(`${data}yahoo`);
  assert.deepEqual(market.problems, []);
  assert.deepEqual(market.files.map((f) => f.split("/").at(-1)), ["AAPL.csv", "msft.csv"]);
  const source = csvMarketSource(market.bars);
  assert.deepEqual(source.tickers, ["AAPL", "MSFT"]);
  const days: string[] = [];
  for (let day = source.next(); day; day = source.next()) {
    days.push(`${day[0]!.date}:${day.map((b) => b.ticker).join("+")}`);
  }
  assert.deepEqual(days, [
    "2024-03-01:AAPL+MSFT",
    "2024-03-04:AAPL+MSFT",
    "2024-03-05:AAPL",
    "2024-03-06:AAPL",
    "2024-03-07:AAPL",
  ]);
});

Deno.test("csv files: a ticker column splits one file into several series", async () => {
  const market = await readCsvBars(`${data}tickers.csv`);
  assert.deepEqual([...market.bars.keys()], ["NVDA", "AMD"]);
  assert.deepEqual(market.bars.get("AMD")!.map((b) => b.close), [202.639999, 205.130005]);
});

Deno.test("csv files: a ticker in two files keeps the first and reports the second", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(`${data}yahoo/AAPL.csv`, `${dir}/AAPL.csv`);
    await Deno.writeTextFile(`${dir}/b.csv`, "ticker,date,close\nAAPL,2025-01-02,1\n");
    const market = await readCsvBars(dir);
    assert.equal(market.bars.get("AAPL")!.length, 5);
    assert.match(market.problems[0]!.message, /ticker "AAPL" was already read from another file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("csv files: a missing path is a clear error", async () => {
  await assert.rejects(readCsvBars(`${data}nope.csv`), /Cannot read market data ".*nope\.csv": /);
});
