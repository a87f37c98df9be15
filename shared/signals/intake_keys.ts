/**
 * The intake's keys, derived from one random master key kept in Postgres (`intake_keys`): the
 * API, the dispatcher and the generator all read the same database, while a Kafka client does
 * not. Created on first use by whichever service comes first; an insert race keeps one row.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Sql } from "../db.ts";

/** The derived keys. */
export interface IntakeKeys {
  /** Signs private signals (shared/signals/signal_scope.ts). */
  signing: Uint8Array;
  /** Seals webhook source secrets at rest (shared/signals/sealed_secret.ts). */
  sealing: Uint8Array;
}

/** Derives the purpose keys from a master key (HMAC-SHA256 of the purpose's label). */
export function deriveIntakeKeys(master: Uint8Array): IntakeKeys {
  const derive = (label: string) => createHmac("sha256", master).update(label).digest();
  return {
    signing: derive("tickwire signal signature v1"),
    sealing: derive("tickwire source secret v1"),
  };
}

/** Reads the master key, creating it on first use, and derives the keys. */
export async function loadIntakeKeys(sql: Sql): Promise<IntakeKeys> {
  // A statement that lost the insert race sees neither its insert nor the winner's row (its
  // snapshot predates the winner's commit); the second statement does.
  for (let attempt = 0; attempt < 2; attempt++) {
    // $1: 32 random bytes, used only when no key exists yet.
    const [row] = await sql<{ master_key: Uint8Array }[]>`
      with created as (
        insert into intake_keys (id, master_key) values (1, ${randomBytes(32)})
        on conflict (id) do nothing
        returning master_key
      )
      select master_key from created
      union all select master_key from intake_keys where id = 1
      limit 1`;
    if (row) return deriveIntakeKeys(row.master_key);
  }
  throw new Error("Cannot load the intake key: intake_keys has no row after inserting one");
}
