import assert from "node:assert/strict";
import { parseReplayArgs } from "./replay_args.ts";

Deno.test("replay args: defaults, and every option", () => {
  const plain = parseReplayArgs(["replay", "data/"]);
  assert.equal(plain.path, "data/");
  assert.equal(plain.priceColumn, "close");
  assert.equal(plain.scanners.length, 5);
  assert.equal(plain.publish, false);
  assert.equal(plain.ticker, undefined);
  const full = parseReplayArgs([
    "replay",
    "a.csv",
    "--price-column",
    "adj_close",
    "--scanners",
    "rsi, macd",
    "--ticker",
    "brk.b",
    "--publish",
  ]);
  assert.deepEqual(full.scanners.map((s) => s.name), ["rsi", "macd"]);
  assert.equal(full.priceColumn, "adj_close");
  assert.equal(full.ticker, "BRK.B");
  assert.equal(full.publish, true);
});

Deno.test("replay args: clear errors", () => {
  assert.throws(() => parseReplayArgs([]), /Missing command/);
  assert.throws(() => parseReplayArgs(["play", "x"]), /Unknown command "play"/);
  assert.throws(() => parseReplayArgs(["replay"]), /Missing <csv-file-or-dir>/);
  assert.throws(() => parseReplayArgs(["replay", "x", "y"]), /Unexpected argument "y"/);
  assert.throws(
    () => parseReplayArgs(["replay", "x", "--price-column", "open"]),
    /Invalid --price-column "open": must be close or adj_close/,
  );
  assert.throws(() => parseReplayArgs(["replay", "x", "--scanners", "vwap"]), /Unknown scanner/);
  assert.throws(() => parseReplayArgs(["replay", "x", "--ticker", "$"]), /Invalid --ticker "\$"/);
  assert.throws(() => parseReplayArgs(["replay", "x", "--bogus"]), /bogus/);
});

Deno.test("replay args: --expression makes one expression scanner; bad options are named", () => {
  const command = parseReplayArgs([
    "replay",
    "x.csv",
    "--expression",
    "crossunder(rsi(close, 14), 70)",
    "--direction",
    "bearish",
    "--confidence",
    "80",
  ]);
  assert.deepEqual(command.scanners.map((s) => s.name), ["expression"]);
  assert.throws(
    () => parseReplayArgs(["replay", "x.csv", "--expression", "rsi(close) >"]),
    /Cannot parse expression at column 13: expected a number/,
  );
  assert.throws(
    () => parseReplayArgs(["replay", "x.csv", "--expression", "close > 1", "--scanners", "rsi"]),
    /not both/,
  );
  assert.throws(
    () => parseReplayArgs(["replay", "x.csv", "--expression", "close > 1", "--direction", "UP"]),
    /Invalid --direction "UP"/,
  );
});
