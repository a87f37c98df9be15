/**
 * Password hashing with scrypt (node:crypto): `scrypt$N$r$p$salt$hash`, base64url salt and hash,
 * so stored hashes keep working when the cost parameters are raised later.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** Cost parameters: N = 2^15, r = 8, p = 1 (about 32 MiB and tens of ms per hash). */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { ...params, maxmem: 256 * params.N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes `password` with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, PARAMS);
  const { N, r, p } = PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** A hash no password matches; verifying against it costs what a real one costs. */
const DECOY_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${
  Buffer.alloc(SALT_LENGTH).toString("base64url")
}$${Buffer.alloc(KEY_LENGTH).toString("base64url")}`;

/**
 * True when `password` matches `stored`, compared in constant time. A null or malformed `stored`
 * (unknown email) still spends one KDF run and answers false, so timing does not reveal it.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = parseHash(stored ?? DECOY_HASH) ?? parseHash(DECOY_HASH)!;
  const key = await derive(password, parsed.salt, parsed.params);
  const matches = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  return matches && stored !== null && parseHash(stored) !== null;
}

function parseHash(stored: string) {
  const match = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return null;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) {
    return null;
  }
  return {
    params: { N, r, p },
    salt: Buffer.from(match[4]!, "base64url"),
    key: Buffer.from(match[5]!, "base64url"),
  };
}
