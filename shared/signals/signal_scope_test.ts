import assert from "node:assert/strict";
import type { TickerSignal } from "../schemas/signal.ts";
import { parseSignalMessage } from "../schemas/signal.ts";
import {
  authenticateSignal,
  canonicalJson,
  hearsSignal,
  scopeProblem,
  signSignal,
  verifySignature,
} from "./signal_scope.ts";

const key = new Uint8Array(32).fill(7);
const alice = "00000000-0000-4000-8000-00000000000a";
const bob = "00000000-0000-4000-8000-00000000000b";
const source = "webhook:00000000-0000-4000-8000-0000000000f1";
const publicSignal: TickerSignal = { ticker: "AAPL", signal: "BULLISH", confidence: 80 };
const privateSignal: TickerSignal = {
  ...publicSignal,
  owner_id: alice,
  source,
  signal_id: `${source}:a:alert-1`,
  emitted_at: "2025-01-02T15:00:00.000Z",
  metadata: { strategy: "breakout", z: 1, a: null },
};

Deno.test("canonicalJson: keys sorted at every level, undefined left out", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: undefined, c: [{ y: 1, x: 2 }] } }),
    '{"a":{"c":[{"x":2,"y":1}]},"b":1}',
  );
});

Deno.test("signature: survives a JSON round trip and key order, breaks on any change", () => {
  const signed = signSignal(privateSignal, key);
  const roundTrip = JSON.parse(JSON.stringify({ tickers: [signed] }));
  const parsed = parseSignalMessage(JSON.stringify(roundTrip));
  assert.ok(parsed.ok);
  assert.ok(verifySignature(parsed.signals[0]!, key));
  assert.equal(authenticateSignal(parsed.signals[0]!, key), null);
  assert.ok(!verifySignature({ ...signed, owner_id: bob }, key), "owner changed");
  assert.ok(!verifySignature({ ...signed, confidence: 81 }, key), "content changed");
  assert.ok(!verifySignature(signed, new Uint8Array(32).fill(8)), "other key");
  assert.match(authenticateSignal({ ...signed, owner_id: bob }, key)!, /no valid intake signature/);
  assert.match(authenticateSignal(signed, null)!, /no valid intake signature/);
});

Deno.test("scope: public ids may not use private prefixes; private ids start with their source", () => {
  assert.equal(scopeProblem(publicSignal), null);
  assert.equal(scopeProblem({ ...publicSignal, signal_id: "golden_cross:AAPL:2025-01-02" }), null);
  assert.match(
    scopeProblem({ ...publicSignal, signal_id: `${source}:a:x` })!,
    /must not start with "webhook:"/,
  );
  assert.match(scopeProblem({ ...publicSignal, signal_id: "confluence:x" })!, /"confluence:"/);
  assert.match(scopeProblem({ ...publicSignal, source })!, /needs "owner_id"/);
  assert.match(
    scopeProblem({ ...privateSignal, signal_id: "golden_cross:x" })!,
    /must start with "webhook:/,
  );
  const { source: _s, ...noSource } = privateSignal;
  assert.match(scopeProblem(noSource)!, /"source" is required/);
  assert.match(scopeProblem(privateSignal)!, /"signature" is missing/);
});

Deno.test("hearsSignal: public by default, private only the owner's listed sources", () => {
  assert.ok(hearsSignal(null, bob, publicSignal));
  assert.ok(hearsSignal(null, alice, privateSignal));
  assert.ok(!hearsSignal(null, bob, privateSignal), "another user's private signal");
  assert.ok(!hearsSignal({ public: false, sources: "all" }, bob, publicSignal));
  assert.ok(hearsSignal({ public: false, sources: [source] }, alice, privateSignal));
  assert.ok(!hearsSignal({ public: true, sources: [] }, alice, privateSignal));
  assert.ok(
    !hearsSignal(
      { public: true, sources: ["scanner:00000000-0000-4000-8000-0000000000f2"] },
      alice,
      privateSignal,
    ),
  );
});
