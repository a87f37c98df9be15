// The README's API examples, run as written (with the address swapped) against a real API process
// on real Postgres and Redis: a 4xx or 5xx, or a command that fails, fails the test.
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { freePort, startService } from "./fixtures/processes.ts";
import { pollUntil } from "../shared/poll_until.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import { bookOrder } from "../shared/ledger/book_order.ts";
import { orderRequest } from "./fixtures/paper_orders.ts";
import {
  apiExamples,
  exampleScript,
  exampleVariables,
  readmeBlocks,
} from "./readme/readme_examples.ts";

const root = new URL("../", import.meta.url).pathname;

Deno.test({
  name: "README: every API example runs as written against the real API",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    const port = freePort();
    const api = startService("api", {
      DATABASE_URL: db.url,
      REDIS_KEY_PREFIX: redis.prefix,
      API_PORT: String(port),
      METRICS_PORT_API: String(freePort()),
    });
    const dir = await Deno.makeTempDir({ prefix: "tw-readme-" });
    try {
      const base = `http://127.0.0.1:${port}`;
      await pollUntil("the API to answer /healthz", async () => {
        const res = await fetch(`${base}/healthz`);
        await res.body?.cancel();
        return res.ok ? true : undefined;
      }, { timeoutMs: 30_000 });
      const blocks = readmeBlocks(await Deno.readTextFile(`${root}README.md`));
      for (const b of blocks) if (b.file) await Deno.writeTextFile(`${dir}/${b.file}`, b.code);
      const examples = apiExamples(blocks);
      assert.ok(examples.length >= 3, "the README has API examples");
      const variables = exampleVariables(examples);
      for (const example of examples) {
        if (example.code.includes("/paper/accounts")) {
          // The paper example reads an account that exists once the pipeline has traded.
          const [user] = await db.sql<{ id: string }[]>`
            select id from users where email = 'me@example.com'`;
          assert.ok(user, "the examples registered me@example.com");
          await bookOrder(db.sql, orderRequest(user.id));
        }
        const run = await new Deno.Command("bash", {
          args: ["-c", exampleScript(example, base, variables)],
          cwd: dir,
          stdin: "null",
        }).output();
        const output = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
        assert.equal(run.code, 0, `README example at line ${example.line} failed:\n${output}`);
      }

      // What the examples say they create is there, owned by the user they register.
      const names = await db.sql<{ name: string }[]>`
        select p.name from pipelines p join users u on u.id = p.owner_id
        where u.email = 'me@example.com' order by p.name`;
      assert.deepEqual(names.map((r) => r.name), ["AAPL golden cross", "AAPL Trader"].sort());
    } finally {
      await api.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("README: the replay example prints the signals the README shows", async () => {
  const blocks = readmeBlocks(await Deno.readTextFile(`${root}README.md`));
  const at = blocks.findIndex((b) => b.language === "bash" && b.code.includes("signals replay"));
  assert.ok(at >= 0, "the README has a replay example");
  const shown = blocks[at + 1]!.code;
  const run = await new Deno.Command("bash", {
    args: ["-c", blocks[at]!.code],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const printed = new TextDecoder().decode(run.stdout);
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
  const dates = (text: string) =>
    [...text.matchAll(/"bar_date":"([\d-]+)","ticker":"(\w+)","signal":"(\w+)"/g)].map((m) =>
      m.slice(1).join(" ")
    );
  assert.ok(dates(shown).length > 0);
  assert.deepEqual(dates(printed), dates(shown));
  const summary = new TextDecoder().decode(run.stderr).trim().split("\n").at(-1)!;
  assert.ok(shown.includes(summary), `the README shows "${summary}"`);
});

Deno.test("README: the backtest example prints the figures its table shows", async () => {
  const readme = await Deno.readTextFile(`${root}README.md`);
  const blocks = readmeBlocks(readme);
  const example = blocks.find((b) => b.language === "bash" && b.code.includes("task backtest"));
  assert.ok(example, "the README has a backtest example");
  const run = await new Deno.Command("bash", {
    args: ["-c", example.code],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
  const { stats } = JSON.parse(new TextDecoder().decode(run.stdout)) as {
    stats: Record<string, number>;
  };
  // The table right after the example: | trades | win rate | profit factor | total return | …
  const after = readme.split("\n").slice(example.line + example.code.split("\n").length + 1);
  const row = after.find((l) => /^\|\s*\d/.test(l));
  assert.ok(row, "a table of figures follows the example");
  const cells = row.split("|").slice(1, 5).map((c) => c.trim());
  assert.deepEqual(cells, [
    String(stats.trades),
    `${stats.win_rate_pct!.toFixed(1)} %`,
    stats.profit_factor!.toFixed(2),
    `${stats.total_return_pct!.toFixed(1)} %`,
  ]);
});

Deno.test("README: every JSON example is valid JSON, or a template TradingView fills in", async () => {
  const blocks = readmeBlocks(await Deno.readTextFile(`${root}README.md`))
    .filter((b) => b.language === "json");
  assert.ok(blocks.length >= 3);
  for (const b of blocks) {
    // TradingView replaces {{close}} and the like before it sends the alert.
    const filled = b.code.replaceAll(/\{\{[^}]+\}\}/g, "1");
    assert.doesNotThrow(() => JSON.parse(filled), `README line ${b.line} is not JSON`);
  }
});
