/** What the API's handlers receive: its dependencies, and the Hono context variables. */
import type { Context } from "hono";
import type { Admin } from "kafkajs";
import type { Config } from "../../shared/config.ts";
import type { Sql } from "../../shared/db.ts";
import type { Logger } from "../../shared/logging.ts";
import type { MetricsRegistry } from "../../shared/metrics.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import type { PublishSignals } from "./signal_intake.ts";
import type { LiveHub } from "./ui/live/live_hub.ts";

/** Dependencies of {@linkcode createApp}; nothing in the API opens a connection itself. */
export interface ApiDeps {
  sql: Sql;
  redis: Redis;
  names: RedisNames;
  config: Config;
  log: Logger;
  /** Admin client /readyz asks for cluster metadata (connected on demand). */
  kafkaAdmin: Admin;
  /** Registry the access log counts requests in (main.ts serves it on METRICS_PORT_API). */
  metrics?: MetricsRegistry;
  /**
   * Sends webhook signals to the signal topic and resolves once Kafka acknowledged them
   * (acks=all); absent, the webhook intake answers 503.
   */
  publishSignals?: PublishSignals;
  /** The web app's live hub; default one LISTEN on this `sql` (opened on first use). */
  hub?: LiveHub;
  /** The caller's address for rate limiting; default the connection's (see client_address.ts). */
  clientAddress?: (c: Context) => string;
}

/** Context variables set by the app's middleware. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    /** The origin the client used (see public_origin.ts). */
    publicOrigin: string;
    /** Set by bearer auth on /api/v1 routes. */
    userId: string;
    tokenId: string;
  };
}
