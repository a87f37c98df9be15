import assert from "node:assert/strict";
import { configTable, withConfigTable } from "./config_table.ts";
import { envSchema } from "../shared/config.ts";

const configSource = await Deno.readTextFile(new URL("../shared/config.ts", import.meta.url));

Deno.test("configTable has one row per variable of the schema, with its default", () => {
  const table = configTable(configSource);
  for (const key of Object.keys(envSchema.shape)) {
    assert.match(table, new RegExp(`^\\| \`${key}\` \\|`, "m"), `no row for ${key}`);
  }
  assert.match(table, /^\| `API_PORT` \| `8000` \| integer 0–65535 \| /m);
  assert.match(table, /^\| `LOG_FORMAT` \| `auto` \| `auto`, `pretty`, `json` \| /m);
});

Deno.test("README.md's config table is the generated one", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const fresh = withConfigTable(readme, configTable(configSource));
  assert.ok(
    unpadded(fresh) === unpadded(readme),
    "README.md's config table is stale: run `deno run -A stack/config_table.ts --write`",
  );
});

Deno.test("withConfigTable replaces only the text between the markers", () => {
  const readme = "a\n<!-- config-table:start -->\nold\n<!-- config-table:end -->\nb\n";
  assert.equal(
    withConfigTable(readme, "new"),
    "a\n<!-- config-table:start -->\n\nnew\n\n<!-- config-table:end -->\nb\n",
  );
  assert.throws(() => withConfigTable("no markers", "x"), /Cannot find/);
});

/** A markdown table as written, without the column padding `deno fmt` adds. */
function unpadded(markdown: string): string {
  return markdown.split("\n").map((line) =>
    line.startsWith("|") ? line.replace(/ {2,}/g, " ").replace(/-{3,}/g, "---") : line
  ).join("\n");
}
