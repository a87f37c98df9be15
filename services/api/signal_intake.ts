/**
 * The webhook intake: `POST /hooks/{source id}` turns one sender's alert into a private signal on
 * Kafka and answers only once Kafka acknowledged it (acks=all), well within TradingView's 3 s.
 *
 * Every delivery is logged with its outcome: rate_limited (per source and minute), malformed,
 * bad_secret, stale (`timestamp` older than the source's max_lag_seconds), duplicate (the same
 * alert_id, or the same content, within the source's dedup window), unavailable (Kafka did not
 * acknowledge in time) or accepted. An unknown source answers exactly like a bad secret, so the
 * URL alone never tells whether a source exists; only existing sources get log lines.
 *
 * Authentication: the source's secret in the body (`secret`, since TradingView cannot set
 * headers), or `X-Tickwire-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the
 * secret>` for senders that can.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Sql } from "../../shared/db.ts";
import { errorMessage, issuesText } from "../../shared/errors.ts";
import { tickerSignalSchema } from "../../shared/schemas/signal.ts";
import type { Logger } from "../../shared/logging.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import type { IntakeKeys } from "../../shared/signals/intake_keys.ts";
import { openSecret } from "../../shared/signals/sealed_secret.ts";
import { toSignalMessages } from "../../shared/signals/signal_messages.ts";
import type { SignalMessage } from "../../shared/signals/signal_messages.ts";
import { signSignal } from "../../shared/signals/signal_scope.ts";
import { parseAlert, readAlertFields } from "../../shared/signals/webhook_alert.ts";
import { withTimeout } from "../../shared/timeout.ts";
import {
  createSignalSourceStore,
  type DeliveryOutcome,
  type DeliveryRecord,
} from "./signal_source_store.ts";
import { alertSignal, decideRepeat, duplicateKey, staleness } from "./webhook_signal.ts";
import { intakeMarker, intakeMarkerOf } from "../../shared/redis_codec.ts";

/** Header carrying the body's HMAC for senders that can set headers. */
export const SIGNATURE_HEADER = "x-tickwire-signature";

/** Largest webhook body, in bytes. */
export const MAX_WEBHOOK_BODY_BYTES = 16 * 1024;

/** Deliveries a minute allowed to a source by default (and to unknown ids). */
export const DEFAULT_MAX_PER_MINUTE = 60;

/** How long the intake waits for Kafka's acknowledgement; under TradingView's 3 s timeout. */
export const PUBLISH_TIMEOUT_MS = 2500;

/** Publishes messages and resolves once Kafka acknowledged them with acks=all. */
export type PublishSignals = (messages: SignalMessage[]) => Promise<void>;

/** Dependencies of {@linkcode createSignalIntake}. */
export interface SignalIntakeDeps {
  sql: Sql;
  redis: Redis;
  names: Pick<RedisNames, "intakeRate" | "intakeSeen">;
  log: Logger;
  keys: () => Promise<IntakeKeys>;
  /** Absent: every delivery answers 503 (logged as unavailable). */
  publish?: PublishSignals | undefined;
  /** Clock (epoch ms); default Date.now. */
  now?: () => number;
}

/** The answer to one delivery. */
export interface IntakeAnswer {
  status: 200 | 400 | 401 | 422 | 429 | 503;
  outcome: DeliveryOutcome;
  body: Record<string, unknown>;
  retryAfter?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BAD_SECRET: IntakeAnswer = {
  status: 401,
  outcome: "bad_secret",
  body: { error: "Invalid secret or signature", details: [] },
};

/** Creates the intake; `receive` handles one delivery and never throws for bad input. */
export function createSignalIntake(deps: SignalIntakeDeps) {
  const { redis, names, log } = deps;
  const store = createSignalSourceStore(deps.sql);
  const now = deps.now ?? Date.now;
  const error = (
    status: IntakeAnswer["status"],
    outcome: DeliveryOutcome,
    message: string,
  ): IntakeAnswer => ({ status, outcome, body: { error: message, details: [] } });

  /** Counts the delivery; true while the source is within its rate. */
  const withinRate = async (sourceId: string, maxPerMinute: number, atMs: number) => {
    const key = names.intakeRate(sourceId, Math.floor(atMs / 60_000));
    const [[incrError, count] = [], [expireError] = []] = (await redis.multi().incr(key)
      .expire(key, 120).exec()) ?? [];
    if (incrError || expireError) throw incrError ?? expireError;
    return Number(count) <= maxPerMinute;
  };

  async function decide(
    sourceId: string,
    body: string,
    signature: string | undefined,
    record: DeliveryRecord & { known: boolean },
  ): Promise<IntakeAnswer> {
    const source = UUID.test(sourceId) ? await store.forIntake(sourceId) : null;
    record.known = source !== null;
    const receivedMs = now();
    // Unknown ids are counted too (at the default rate), so a 429 does not reveal a source.
    const maxPerMinute = source?.max_per_minute ?? DEFAULT_MAX_PER_MINUTE;
    if (!(await withinRate(source?.id ?? "unknown", maxPerMinute, receivedMs))) {
      return {
        ...error(429, "rate_limited", `More than ${maxPerMinute} deliveries a minute`),
        retryAfter: 60 - Math.floor(receivedMs / 1000) % 60,
      };
    }
    const fields = readAlertFields(body);
    if (!fields.ok) return error(400, "malformed", fields.error);
    const keys = await deps.keys();
    // The secret is opened and compared for unknown sources too, so timing tells nothing.
    const secret = source ? openSecret(source.secret_sealed, keys.sealing) : "unknown source";
    const given = fields.value.secret;
    const authentic = signature !== undefined
      ? sameText(signature, `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`)
      : typeof given === "string" && sameText(given, secret);
    if (!source) return BAD_SECRET;
    if (!authentic) {
      record.reason = signature !== undefined
        ? "signature does not match"
        : given === undefined
        ? 'no "secret" field and no signature header'
        : "secret does not match";
      return BAD_SECRET;
    }
    const alert = parseAlert(fields.value);
    if (!alert.ok) return error(400, "malformed", alert.error);
    record.ticker = alert.value.ticker;
    record.alert_id = alert.value.alert_id ?? null;
    const stale = staleness(alert.value, source, receivedMs);
    if (stale) return error(422, "stale", `Stale alert: ${stale}`);

    // The marker lives for the dedup window from the first receipt, whatever becomes of the
    // publish: a failed or unknown one leaves it for the retry to publish the same signal id.
    const seen = names.intakeSeen(source.id, duplicateKey(alert.value));
    const pending = (firstMs: number) =>
      intakeMarker({ state: "pending", firstMs, attemptMs: receivedMs });
    const created = await redis.set(
      seen,
      pending(receivedMs),
      "EX",
      source.dedup_window_seconds,
      "NX",
    );
    let firstMs = receivedMs;
    if (created === null) {
      const value = await redis.get(seen);
      const repeat = decideRepeat(
        value === null ? null : intakeMarkerOf(value) ?? { state: "acked", firstMs: receivedMs },
        receivedMs,
        PUBLISH_TIMEOUT_MS,
      );
      if (repeat.kind === "duplicate") {
        return { status: 200, outcome: "duplicate", body: { status: "duplicate" } };
      }
      firstMs = repeat.firstMs;
      await redis.set(seen, pending(firstMs), "KEEPTTL", "XX");
    }
    const mark = (state: "failed" | "acked") =>
      redis.set(seen, intakeMarker({ state, firstMs }), "KEEPTTL", "XX");
    const unsigned = tickerSignalSchema.safeParse(
      alertSignal(alert.value, source, receivedMs, firstMs),
    );
    if (!unsigned.success) {
      await redis.del(seen);
      return error(400, "malformed", `Cannot read alert: ${issuesText(unsigned.error.issues)}`);
    }
    const signal = signSignal(unsigned.data, keys.signing);
    record.signal_id = signal.signal_id!;
    try {
      if (!deps.publish) throw new Error("no Kafka producer configured");
      await withTimeout(
        deps.publish(toSignalMessages([signal], new Date(receivedMs).toISOString())),
        PUBLISH_TIMEOUT_MS,
        "Kafka",
      );
    } catch (cause) {
      // Not acknowledged (Kafka may still have it): the sender's retry is not a duplicate, and
      // publishes the same signal id again.
      await mark("failed").catch(() => {});
      log.warn("Webhook signal {signal_id} not acknowledged by Kafka: {error}", {
        signal_id: signal.signal_id,
        error: errorMessage(cause),
      });
      return error(503, "unavailable", "Signal not acknowledged by Kafka; retry later");
    }
    // If this write is lost (the process dies here), the marker stays pending: a retry after the
    // publish timeout publishes the same id, which the claim refuses a second time.
    await mark("acked").catch((cause) =>
      log.warn("Cannot mark webhook signal {signal_id} acknowledged: {error}", {
        signal_id: signal.signal_id,
        error: errorMessage(cause),
      })
    );
    return {
      status: 200,
      outcome: "accepted",
      body: { status: "accepted", signal_id: signal.signal_id },
    };
  }

  return {
    /** Handles one delivery of `body` to source `sourceId`; logs it when the source exists. */
    async receive(
      sourceId: string,
      body: string,
      signature: string | undefined,
    ): Promise<IntakeAnswer> {
      const record: DeliveryRecord & { known: boolean } = {
        known: false,
        outcome: "malformed",
        reason: null,
        signal_id: null,
        ticker: null,
        alert_id: null,
      };
      const answer = await decide(sourceId, body, signature, record);
      if (record.known) {
        record.outcome = answer.outcome;
        record.reason ??= typeof answer.body.error === "string" ? answer.body.error : null;
        const { known: _known, ...delivery } = record;
        await store.logDelivery(sourceId, delivery);
      }
      return answer;
    },
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The intake route, mounted at /hooks: no bearer token, its own body limit, any content type. */
export function signalIntakeRoutes(deps: SignalIntakeDeps) {
  const intake = createSignalIntake(deps);
  const app = new OpenAPIHono();
  const answer = (description: string) => ({
    description,
    content: { "application/json": { schema: z.object({}).passthrough() } },
  });
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/{id}",
    tags: ["signal sources"],
    summary: "Deliver an alert to a webhook source (no bearer token: the secret authenticates)",
    description: "TradingView JSON (`secret`, `ticker`, `signal` or `action`, optional " +
      "`confidence`, `alert_id`, `timestamp`, `price`, `scanner`; other keys become metadata), " +
      "or text/plain `key=value` pairs. Instead of `secret`, a sender may sign the raw body: " +
      "`X-Tickwire-Signature: sha256=<hex HMAC-SHA256 keyed with the secret>`. Answers once " +
      "the signal is on Kafka (acks=all).",
    security: [],
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
      body: {
        required: true,
        content: {
          "application/json": { schema: z.object({}).passthrough() },
          "text/plain": { schema: z.string() },
        },
      },
    },
    responses: {
      200: answer("Accepted (`signal_id`) or a duplicate"),
      400: answer("Malformed alert"),
      401: answer("Bad secret or signature, or no such source (indistinguishable)"),
      413: answer("Body too large"),
      422: answer("Stale: `timestamp` older than the source's max_lag_seconds"),
      429: answer("Over the source's deliveries per minute"),
      503: answer("Kafka did not acknowledge in time; retry"),
    },
  });
  return app.post(
    "/:id",
    bodyLimit({
      maxSize: MAX_WEBHOOK_BODY_BYTES,
      onError: (c) =>
        c.json({ error: `Body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes`, details: [] }, 413),
    }),
    async (c) => {
      const answer = await intake.receive(
        c.req.param("id"),
        await c.req.text(),
        c.req.header(SIGNATURE_HEADER),
      );
      if (answer.retryAfter !== undefined) c.header("retry-after", String(answer.retryAfter));
      return c.json(answer.body, answer.status);
    },
  );
}
