import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { formatLogLine, readable, roundForPeople } from "./log_line.ts";

const at = new Date(2026, 10, 30, 12, 1, 3).getTime();

function record(fields: Partial<LogRecord> & Pick<LogRecord, "message">): LogRecord {
  return {
    category: ["tickwire", "signal-generator"],
    level: "info",
    rawMessage: "",
    timestamp: at,
    properties: {},
    ...fields,
  };
}

Deno.test("formatLogLine: one line per event, strings bare, properties not named left out", () => {
  const line = formatLogLine(
    record({
      message: ["signal ", "AAPL", " ", "BULLISH", " ", 85, " ", "golden_cross", ""],
      properties: { ticker: "AAPL", service: "signal-generator", instance: "vm-1" },
    }),
    { category: false },
  );
  assert.equal(line, "12:01:03 signal AAPL BULLISH 85 golden_cross\n");
});

Deno.test("formatLogLine: warnings carry their level and the category names the service", () => {
  const line = formatLogLine(record({
    level: "warning",
    category: ["tickwire", "dispatcher"],
    message: ["Kafka unreachable: ", new Error("connect ECONNREFUSED\n  at x"), ""],
  }));
  assert.equal(line, "12:01:03 WARN dispatcher Kafka unreachable: connect ECONNREFUSED at x\n");
});

Deno.test("formatLogLine: colour only when asked", () => {
  const plain = formatLogLine(record({ message: ["x"] }));
  const coloured = formatLogLine(record({ message: ["x"] }), { color: true });
  // deno-lint-ignore no-control-regex -- the escape character is what this test looks for
  assert.doesNotMatch(plain, /\x1b/);
  // deno-lint-ignore no-control-regex
  assert.match(coloured, /^\x1b\[90m12:01:03\x1b\[0m /);
});

Deno.test("roundForPeople rounds to what a person reads", () => {
  assert.equal(roundForPeople(0.0058541709999999515), "0.00585");
  assert.equal(roundForPeople(6.25891), "6.26");
  assert.equal(roundForPeople(1234.5678), "1235");
  assert.equal(roundForPeople(42), "42");
  assert.equal(roundForPeople(Number.NaN), "NaN");
});

Deno.test("readable: objects as short JSON, cut at 120 characters", () => {
  assert.equal(readable({ a: 1 }), '{"a":1}');
  assert.equal(readable(null), "null");
  const long = readable({ text: "x".repeat(500) });
  assert.equal(long.length, 120);
  assert.ok(long.endsWith("..."));
});
