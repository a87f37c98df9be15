import assert from "node:assert/strict";
import { EMPTY_SOURCE, parseSourceValues, sourceValues } from "./source_settings.ts";

Deno.test("parseSourceValues: blank limits take their defaults, max lag none", () => {
  const parsed = parseSourceValues({ ...EMPTY_SOURCE, name: " TradingView " });
  assert.deepEqual(parsed, {
    ok: true,
    settings: {
      name: "TradingView",
      max_lag_seconds: null,
      max_per_minute: 60,
      dedup_window_seconds: 86_400,
    },
  });
  const typed = parseSourceValues(
    sourceValues({ name: "tv", max_lag_seconds: "30", max_per_minute: "10" }),
  );
  assert.ok(typed.ok);
  assert.equal(typed.settings.max_lag_seconds, 30);
  assert.equal(typed.settings.max_per_minute, 10);
});

Deno.test("parseSourceValues: errors by field, numbers kept as typed", () => {
  assert.deepEqual(
    parseSourceValues({
      name: "",
      max_lag_seconds: "soon",
      max_per_minute: "0",
      dedup_window_seconds: "",
    }),
    {
      ok: false,
      errors: {
        name: "must not be empty",
        max_lag_seconds: "must be a number of seconds",
        max_per_minute: "must be at least 1",
      },
    },
  );
});
