/**
 * Creating a webhook source and rotating its secret, for the JSON API and the web app alike: the
 * per-user cap, a fresh secret sealed with the intake key for the store, and the plain secret
 * returned once to show and never kept.
 */
import { randomBytes } from "node:crypto";
import { z } from "../../shared/zod.ts";
import type { IntakeKeys } from "../../shared/signals/intake_keys.ts";
import { sealSecret } from "../../shared/signals/sealed_secret.ts";
import { userLimit } from "./owned_routes.ts";
import { DEFAULT_MAX_PER_MINUTE } from "./signal_intake.ts";
import type { SignalSourceRow, SignalSourceStore } from "./signal_source_store.ts";

/** Most webhook sources one user may have. */
export const MAX_SOURCES_PER_USER = 20;

const wholeNumber = (min: number, max: number, unit: string) =>
  z.number({ error: `must be a number of ${unit}` }).int("must be a whole number")
    .min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** The settings a user writes (POST body, web form), with defaults. */
export const sourceSettingsSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200),
  max_lag_seconds: wholeNumber(1, 7 * 24 * 3600, "seconds").nullable().default(null),
  max_per_minute: wholeNumber(1, 6000, "alerts").default(DEFAULT_MAX_PER_MINUTE),
  dedup_window_seconds: wholeNumber(1, 30 * 24 * 3600, "seconds").default(86_400),
}).strict();

/** Where the sender posts the alerts of source `id`, on our public origin. */
export function webhookUrl(origin: string, id: string): string {
  return `${origin}/hooks/${id}`;
}

/** A source with its plain secret, to be shown once. */
export interface SourceWithSecret {
  row: SignalSourceRow;
  secret: string;
}

/** Creates and rotates over `store`, sealing with the intake's `keys`. */
export function sourceSecrets(store: SignalSourceStore, keys: () => Promise<IntakeKeys>) {
  const issue = async () => {
    const secret = `tws_${randomBytes(24).toString("base64url")}`;
    return { secret, sealed: sealSecret(secret, (await keys()).sealing) };
  };
  return {
    /** Creates a source; 409 past {@linkcode MAX_SOURCES_PER_USER}. */
    async create(
      ownerId: string,
      settings: z.output<typeof sourceSettingsSchema>,
    ): Promise<SourceWithSecret> {
      const { secret, sealed } = await issue();
      const cap = userLimit(MAX_SOURCES_PER_USER, "sources");
      return { row: await store.create(ownerId, settings, sealed, cap), secret };
    },
    /** Replaces the secret (the old one stops working at once); null when not the owner's. */
    async rotate(ownerId: string, id: string): Promise<SourceWithSecret | null> {
      const { secret, sealed } = await issue();
      const row = await store.rotate(ownerId, id, sealed);
      return row && { row, secret };
    },
  };
}
