/**
 * The scope rules' SQL forms agree with the TypeScript ones the dispatcher runs, on every
 * combination of listen_to, signal owner, source and scanner, evaluated by a real Postgres.
 */
import assert from "node:assert/strict";
import type { TickerSignal } from "../schemas/signal.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import {
  hearsSignal,
  hearsSignalSql,
  type ListenTo,
  namedByConfluence,
  namedByConfluenceSql,
} from "./signal_scope.ts";

const alice = "00000000-0000-4000-8000-00000000000a";
const bob = "00000000-0000-4000-8000-00000000000b";
const hookA = "webhook:00000000-0000-4000-8000-0000000000a1";
const hookB = "webhook:00000000-0000-4000-8000-0000000000a2";

const listens: (ListenTo & { confluence?: { of: string[] } } | null)[] = [
  null,
  { public: true, sources: "all" },
  { public: false, sources: "all" },
  { public: true, sources: [hookA] },
  { public: false, sources: [hookA] },
  { public: true, sources: [] },
  { public: true, sources: "all", confluence: { of: ["golden_cross", hookA] } },
  { public: false, sources: [hookB], confluence: { of: [hookB, "rsi"] } },
];
const base: TickerSignal = { ticker: "AAPL", signal: "BULLISH", confidence: 80 };
const signals: TickerSignal[] = [
  base,
  { ...base, scanner: "golden_cross" },
  { ...base, scanner: "rsi" },
  { ...base, owner_id: alice, source: hookA },
  { ...base, owner_id: alice, source: hookB, scanner: "rsi" },
  { ...base, owner_id: bob, source: hookA },
];

Deno.test("hearsSignalSql and namedByConfluenceSql agree with hearsSignal and namedByConfluence", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const { sql } = db;
  const cases = listens.flatMap((listen) => signals.map((signal) => ({ listen, signal })));
  const rows = await sql<{ hears: boolean; named: boolean }[]>`
    select ${
    hearsSignalSql(sql, {
      listenTo: sql`c.listen_to`,
      ownerId: sql`${alice}::uuid`,
      signalOwner: sql`c.owner_id`,
      signalSource: sql`c.source`,
      signalScanner: sql`c.scanner`,
    })
  } as hears, ${
    namedByConfluenceSql(sql, {
      listenTo: sql`c.listen_to`,
      ownerId: sql`${alice}::uuid`,
      signalOwner: sql`c.owner_id`,
      signalSource: sql`c.source`,
      signalScanner: sql`c.scanner`,
    })
  } as named
    from jsonb_to_recordset(${
    sql.json(cases.map(({ listen, signal }, n) => ({
      n,
      listen_to: listen,
      owner_id: signal.owner_id ?? null,
      source: signal.source ?? null,
      scanner: signal.scanner ?? null,
    })) as never)
  }::jsonb) as c(n int, listen_to jsonb, owner_id uuid, source text, scanner text)
    order by c.n`;
  assert.equal(rows.length, cases.length);
  let heard = 0;
  cases.forEach(({ listen, signal }, i) => {
    const what = `listen_to ${JSON.stringify(listen)}, signal ${JSON.stringify(signal)}`;
    assert.equal(rows[i]!.hears, hearsSignal(listen, alice, signal), `hears: ${what}`);
    assert.equal(rows[i]!.named, namedByConfluence(listen, signal), `named: ${what}`);
    if (rows[i]!.hears) heard++;
  });
  assert.ok(heard > 0 && heard < cases.length, "both outcomes occur");
});
