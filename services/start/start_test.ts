import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("start: with Postgres unreachable it says what is down and where, and exits 1", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}services/start/main.ts`],
    env: { POSTGRES_PORT: "5999", DATABASE_URL: "", LOG_FORMAT: "json", NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, text);
  assert.match(text, /Cannot reach Postgres at postgres:\/\/[^ ]*:5999\//);
  assert.match(text, /nothing was started/);
});
