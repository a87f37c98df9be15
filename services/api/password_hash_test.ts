import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "./password_hash.ts";

Deno.test("password hash: the right password matches, a wrong one does not", async () => {
  const stored = await hashPassword("correct horse battery staple");
  assert.match(stored, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword("correct horse battery staple", stored), true);
  assert.equal(await verifyPassword("correct horse battery stapler", stored), false);
});

Deno.test("password hash: each hash has its own salt", async () => {
  assert.notEqual(await hashPassword("same password"), await hashPassword("same password"));
});

Deno.test("password hash: unknown users and malformed hashes never match", async () => {
  assert.equal(await verifyPassword("anything", null), false);
  assert.equal(await verifyPassword("", null), false);
  assert.equal(await verifyPassword("x", "x"), false);
  assert.equal(await verifyPassword("x", "scrypt$3$8$1$AAAA$AAAA"), false);
});
