/**
 * API tokens: `tw_` + 32 random bytes (base64url), handed out once; only their SHA-256 is stored,
 * so a leaked database does not leak usable tokens.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "../../shared/db.ts";

/** The SHA-256 of a token, as stored in `api_tokens.token_hash`. */
export function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** Creates a token for `userId` valid `ttlSeconds`; the token itself is never stored. */
export async function issueToken(
  sql: Sql,
  userId: string,
  ttlSeconds: number,
): Promise<{ token: string; expires_at: Date }> {
  const token = `tw_${randomBytes(32).toString("base64url")}`;
  const [row] = await sql<[{ expires_at: Date }]>`
    insert into api_tokens (user_id, token_hash, expires_at)
    values (${userId}, ${tokenHash(token)}, now() + make_interval(secs => ${ttlSeconds}))
    returning expires_at`;
  return { token, expires_at: row.expires_at };
}

/**
 * The user and token id of a live token (not revoked, not expired), or null. Touches
 * `last_used_at` at most once a minute so reads stay cheap.
 */
export async function authenticateToken(
  sql: Sql,
  token: string,
): Promise<{ user_id: string; token_id: string } | null> {
  // $1: token hash
  const [row] = await sql<{ user_id: string; token_id: string }[]>`
    with live as (
      select id, user_id, last_used_at from api_tokens
      where token_hash = ${tokenHash(token)} and revoked_at is null and expires_at > now()
    ), touched as (
      update api_tokens t set last_used_at = now()
      from live where t.id = live.id
        and (live.last_used_at is null or live.last_used_at < now() - interval '1 minute')
    )
    select id as token_id, user_id from live`;
  return row ?? null;
}

/** Revokes one token; later requests with it answer 401. */
export async function revokeToken(sql: Sql, tokenId: string): Promise<void> {
  await sql`update api_tokens set revoked_at = now() where id = ${tokenId} and revoked_at is null`;
}
