/**
 * Registering and logging in, shared by the JSON routes (`/api/v1/auth`) and the browser's
 * sign-in form: the same password hashing, the same login rate limits, the same tokens (a browser
 * session is an API token kept in an HttpOnly cookie, so it has the same isolation and expiry).
 */
import type { ApiDeps } from "./api_env.ts";
import { ApiError } from "./api_error.ts";
import { issueToken } from "./api_tokens.ts";
import { createLoginRateLimit } from "./login_rate_limit.ts";
import { hashPassword, verifyPassword } from "./password_hash.ts";

const UNIQUE_VIOLATION = "23505";

/** Register and log in; both throw {@linkcode ApiError} (409, 401, 429) for the caller to show. */
export interface SignIn {
  register(
    email: string,
    password: string,
    address: string,
  ): Promise<{ id: string; email: string }>;
  logIn(email: string, password: string, address: string): Promise<{
    user_id: string;
    token: string;
    expires_at: Date;
  }>;
}

/** Creates the sign-in over the API's database, Redis and config. */
export function createSignIn(deps: Pick<ApiDeps, "sql" | "redis" | "names" | "config">): SignIn {
  const { sql, config } = deps;
  const limiter = createLoginRateLimit({
    redis: deps.redis,
    names: deps.names,
    maxPerEmail: config.API_LOGIN_MAX_ATTEMPTS_PER_EMAIL,
    maxPerAddress: config.API_LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
    windowSeconds: config.API_LOGIN_WINDOW_SECONDS,
  });
  // Registration costs a KDF run too, so it shares the per-address and per-email budget.
  const limit = async (email: string, address: string) => {
    const { allowed, retryAfter } = await limiter.attempt(email, address);
    if (!allowed) {
      throw new ApiError(429, `Too many attempts; retry in ${retryAfter} s`, [], {
        retry_after: retryAfter,
      });
    }
  };
  return {
    async register(email, password, address) {
      await limit(email, address);
      const passwordHash = await hashPassword(password);
      try {
        const [user] = await sql<[{ id: string; email: string }]>`
          insert into users (email, password_hash) values (${email}, ${passwordHash})
          returning id, email`;
        return user;
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        throw new ApiError(409, `Email "${email}" is already registered`);
      }
    },
    async logIn(email, password, address) {
      await limit(email, address);
      const [user] = await sql<{ id: string; password_hash: string }[]>`
        select id, password_hash from users where lower(email) = ${email}`;
      // An unknown email costs the same KDF run, so timing does not tell who is registered.
      const ok = await verifyPassword(password, user?.password_hash ?? null);
      if (!user || !ok) throw new ApiError(401, "Invalid email or password");
      await limiter.reset(email);
      const issued = await issueToken(sql, user.id, config.API_TOKEN_TTL_SECONDS);
      return { user_id: user.id, ...issued };
    },
  };
}
