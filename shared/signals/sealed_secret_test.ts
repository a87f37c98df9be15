import assert from "node:assert/strict";
import { openSecret, sealSecret } from "./sealed_secret.ts";

Deno.test("sealed secret: opens under its key only, never stores the plain text", () => {
  const key = new Uint8Array(32).fill(1);
  const sealed = sealSecret("twsec_abc", key);
  assert.ok(!Buffer.from(sealed).toString("latin1").includes("twsec_abc"));
  assert.equal(openSecret(sealed, key), "twsec_abc");
  assert.notDeepEqual(sealSecret("twsec_abc", key), sealed, "a fresh IV each time");
  assert.throws(() => openSecret(sealed, new Uint8Array(32).fill(2)));
  const altered = Uint8Array.from(sealed);
  altered[14]! ^= 1;
  assert.throws(() => openSecret(altered, key));
});
