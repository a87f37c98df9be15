/**
 * Fixed-window limits on login attempts per email and per client address (Redis INCR with an
 * expiry set on the first attempt). Emails are hashed in key names so Redis holds no addresses.
 */
import { createHash } from "node:crypto";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";

/** Options of {@linkcode createLoginRateLimit}. */
export interface LoginRateLimitOptions {
  redis: Redis;
  names: Pick<RedisNames, "loginAttempts">;
  /** Attempts per email per window (API_LOGIN_MAX_ATTEMPTS_PER_EMAIL, default 10). */
  maxPerEmail: number;
  /** Attempts per client address per window (API_LOGIN_MAX_ATTEMPTS_PER_ADDRESS, default 100). */
  maxPerAddress: number;
  /** Window length (API_LOGIN_WINDOW_SECONDS, default 900). */
  windowSeconds: number;
}

/** Counts one attempt; `allowed` is false once either limit is passed, with seconds to wait. */
export interface LoginRateLimit {
  attempt(email: string, address: string): Promise<{ allowed: boolean; retryAfter: number }>;
  /** Forgets an email's failures after a successful login. */
  reset(email: string): Promise<void>;
}

/** Creates the limiter; every attempt is one Redis round trip. */
export function createLoginRateLimit(options: LoginRateLimitOptions): LoginRateLimit {
  const { redis, names, windowSeconds } = options;
  const emailKey = (email: string) =>
    names.loginAttempts(
      "email",
      createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 32),
    );
  return {
    async attempt(email, address) {
      const keys = [emailKey(email), names.loginAttempts("address", address)];
      const batch = redis.multi();
      for (const key of keys) batch.incr(key).expire(key, windowSeconds, "NX").ttl(key);
      const results = await batch.exec();
      if (!results) throw new Error("Cannot count login attempt: the Redis transaction failed");
      const value = (i: number) => {
        const [error, result] = results[i]!;
        if (error) throw error;
        return Number(result);
      };
      const [byEmail, emailTtl, byAddress, addressTtl] = [value(0), value(2), value(3), value(5)];
      const overEmail = byEmail > options.maxPerEmail;
      const overAddress = byAddress > options.maxPerAddress;
      const retryAfter = Math.max(overEmail ? emailTtl : 0, overAddress ? addressTtl : 0, 1);
      return { allowed: !overEmail && !overAddress, retryAfter };
    },
    async reset(email) {
      await redis.del(emailKey(email));
    },
  };
}
