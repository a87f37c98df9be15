import assert from "node:assert/strict";
import { createTestDatabase } from "../tests/fixtures/database.ts";
import { arrayLiteral } from "./array_literal.ts";

Deno.test("array literal: JSON text where the syntaxes agree, the values where they do not", () => {
  assert.equal(
    arrayLiteral(["a", 'q"uote', "back\\slash", null, ""]),
    '{"a","q\\"uote","back\\\\slash",null,""}',
  );
  assert.equal(arrayLiteral([1.5, null, 80]), "{1.5,null,80}");
  assert.equal(arrayLiteral([null, null]), "{}");
  assert.deepEqual(arrayLiteral(["line\nbreak", "x"]), ["line\nbreak", "x"]);
  assert.deepEqual(arrayLiteral(["\ud800"]), ["\ud800"]);
  assert.deepEqual(arrayLiteral([1, Number.NaN]), [1, Number.NaN]);
});

Deno.test("array literal: Postgres reads back exactly the values, through unnest", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const texts = [
    "plain",
    'q"uote',
    "back\\slash",
    "{brace}",
    "a,b",
    " spaced ",
    "NULL",
    "",
    null,
    "é ü 漢字 😀",
    "back\\nslash-n",
    "tab\tand\nnewline",
  ];
  const numbers = [0, -1.25, 1e21, 80, null];
  // Read back as rows: postgres.js' parser of array results is not what is tested here.
  const readBack = async (literal: unknown, type: "text" | "float8") =>
    (await db.sql<{ v: string | number | null }[]>`
      select v from unnest(${literal as string}::${
      db.sql.unsafe(type)
    }[]) with ordinality as u(v, n)
      order by n`).map((r) => r.v);
  assert.equal(typeof arrayLiteral(texts.slice(0, -1)), "string", "a literal, not the fallback");
  assert.deepEqual(await readBack(arrayLiteral(texts.slice(0, -1)), "text"), texts.slice(0, -1));
  assert.deepEqual(await readBack(arrayLiteral(texts), "text"), texts);
  assert.deepEqual(await readBack(arrayLiteral(numbers), "float8"), numbers);
  const [padded] = await db.sql<{ n: number; nulls: number }[]>`
    select count(*)::int as n, count(*) filter (where b is null)::int as nulls
    from unnest(${arrayLiteral(["x", "y", "z"])}::text[], ${
    arrayLiteral([null, null, null])
  }::text[])
      as u(a, b)`;
  assert.deepEqual(padded, { n: 3, nulls: 3 });
});
