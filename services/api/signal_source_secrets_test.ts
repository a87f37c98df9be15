import assert from "node:assert/strict";
import { MAX_SOURCES_PER_USER } from "./signal_source_secrets.ts";
import { createTestApi } from "./test_api.ts";

Deno.test("signal sources: a user may have at most MAX_SOURCES_PER_USER, even creating them at once", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const create = (i: number) =>
    api.call("POST", "/api/v1/signal-sources", { token: alice.token, body: { name: `tv ${i}` } });
  for (let i = 0; i < MAX_SOURCES_PER_USER - 1; i++) {
    assert.equal((await create(i)).status, 201, `source ${i}`);
  }
  // Six creates at once for the last place: one gets it (each counts under the owner's lock).
  const racing = await Promise.all(
    Array.from({ length: 6 }, (_, i) => create(MAX_SOURCES_PER_USER + i)),
  );
  assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  const over = racing.find((r) => r.status === 409)!;
  assert.equal(over.body.error, `A user may have at most ${MAX_SOURCES_PER_USER} sources`);
  const { items } = (await api.call("GET", "/api/v1/signal-sources", { token: alice.token })).body;
  assert.equal(items.length, MAX_SOURCES_PER_USER);
});
