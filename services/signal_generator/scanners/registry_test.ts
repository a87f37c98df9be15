import assert from "node:assert/strict";
import { SCANNER_NAMES } from "../../../shared/schemas/signal.ts";
import { scannerRegistry, selectScanners } from "./registry.ts";

Deno.test("registry: every scanner name of the contract, and selection by name", () => {
  assert.deepEqual([...scannerRegistry.keys()], [...SCANNER_NAMES]);
  assert.deepEqual(selectScanners(["rsi", "macd", "rsi"]).map((s) => s.name), ["rsi", "macd"]);
  assert.throws(() => selectScanners(["rsi", "vwap"]), /Unknown scanner "vwap": expected one of/);
  assert.throws(() => selectScanners([]), /the list is empty/);
});
