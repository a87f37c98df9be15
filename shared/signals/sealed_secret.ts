/**
 * Webhook source secrets at rest: AES-256-GCM under the intake's sealing key, so the row alone (a
 * table dump, a log of a query) does not reveal a secret, while the intake can still compute the
 * HMAC a sender signs with. Layout: 12-byte IV ‖ ciphertext ‖ 16-byte tag.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** Encrypts `secret` under `key` (32 bytes). */
export function sealSecret(secret: string, key: Uint8Array): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Decrypts a sealed secret; throws an Error when it was not sealed under `key` or was altered. */
export function openSecret(sealed: Uint8Array, key: Uint8Array): string {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 28) throw new Error("Cannot open secret: sealed value is too short");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()])
    .toString("utf8");
}
