/**
 * Public and private signals. A signal with no `owner_id` is public (the system's scanners, or any
 * Kafka client in the seed's format). A private signal belongs to one user and one of their
 * sources; it is trusted only when our own intake (the webhook API or the generator running a
 * user's scanner) signed it with the intake key, which lives in Postgres where a Kafka client
 * cannot read it. So writing to the topic is not enough to reach someone's pipelines: a private
 * scope without a valid signature is refused as "unauthenticated".
 *
 * Ids are namespaced: a private signal's id starts with its source (`webhook:<id>:…`), and a
 * public signal may not use those prefixes, so no sender can pre-empt another's signal id in the
 * claim's `(pipeline_id, signal_id)` index.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type postgres from "postgres";
import type { Sql } from "../db.ts";
import type { TickerSignal } from "../schemas/signal.ts";

/** Prefixes reserved for private and derived signal ids. */
export const RESERVED_ID_PREFIXES = ["webhook:", "scanner:", "confluence:"] as const;

/**
 * What is wrong with a signal's scope fields, or null when they are consistent. Says nothing of
 * the signature's validity ({@linkcode verifySignature} does).
 */
export function scopeProblem(signal: TickerSignal): string | null {
  const id = signal.signal_id;
  if (signal.owner_id === undefined) {
    if (signal.source !== undefined) return 'field "source" needs "owner_id"';
    const prefix = id === undefined
      ? undefined
      : RESERVED_ID_PREFIXES.find((p) => id.startsWith(p));
    if (prefix) return `signal_id "${id}" of a public signal must not start with "${prefix}"`;
    return null;
  }
  if (signal.source === undefined) return 'field "source" is required with "owner_id"';
  if (id === undefined || !id.startsWith(`${signal.source}:`)) {
    return `signal_id "${id ?? ""}" must start with "${signal.source}:"`;
  }
  if (signal.signature === undefined) return 'field "signature" is missing';
  return null;
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

function mac(signal: TickerSignal, key: Uint8Array): Buffer {
  const { signature: _signature, ...fields } = signal;
  return createHmac("sha256", key).update(canonicalJson(fields)).digest();
}

/** The signal with its `signature`: HMAC-SHA256 over its canonical JSON (signature left out). */
export function signSignal(signal: TickerSignal, key: Uint8Array): TickerSignal {
  return { ...signal, signature: mac(signal, key).toString("hex") };
}

/** Whether a private signal carries a valid signature under `key` (constant-time compare). */
export function verifySignature(signal: TickerSignal, key: Uint8Array): boolean {
  if (signal.signature === undefined) return false;
  const given = Buffer.from(signal.signature, "hex");
  const expected = mac(signal, key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Why a signal read from Kafka must be refused, or null when it may be matched: a public signal
 * using a private prefix, or a private one whose scope is not signed by `key` (null: no key
 * loaded, so no private signal is trusted).
 */
export function authenticateSignal(signal: TickerSignal, key: Uint8Array | null): string | null {
  const problem = scopeProblem(signal);
  if (problem) return problem;
  if (signal.owner_id !== undefined && (key === null || !verifySignature(signal, key))) {
    return `private signal "${signal.signal_id}" has no valid intake signature`;
  }
  return null;
}

/** The name a signal goes by in `listen_to.sources` and confluence: its source, else scanner. */
export function sourceNameOf(signal: TickerSignal): string | null {
  return signal.source ?? signal.scanner ?? null;
}

/** Which signals a pipeline hears (the pipeline's `listen_to`; null means the default). */
export interface ListenTo {
  /** Public signals; default true. */
  public: boolean;
  /** Its owner's private sources: "all" (the default) or the names listed. */
  sources: "all" | readonly string[];
}

/** What a pipeline with no `listen_to` hears: public signals and every source of its owner. */
export const DEFAULT_LISTEN_TO: ListenTo = Object.freeze({ public: true, sources: "all" });

/**
 * Whether a pipeline owned by `ownerId` hears `signal`: a public signal when it listens to public
 * ones, a private one only when its owner's and from a source it listens to.
 */
export function hearsSignal(
  listen: ListenTo | null,
  ownerId: string,
  signal: TickerSignal,
): boolean {
  const { public: hearsPublic, sources } = listen ?? DEFAULT_LISTEN_TO;
  if (signal.owner_id === undefined) return hearsPublic;
  if (signal.owner_id !== ownerId) return false;
  return sources === "all" || (signal.source !== undefined && sources.includes(signal.source));
}

/**
 * Whether a pipeline with `listen` passes `signal` on to its confluence: true without one, else
 * only when the signal's source (or scanner) is named in `confluence.of`.
 */
export function namedByConfluence(
  listen: { confluence?: { of: readonly string[] } | undefined } | null,
  signal: TickerSignal,
): boolean {
  const confluence = listen?.confluence;
  if (!confluence) return true;
  const name = sourceNameOf(signal);
  return name !== null && confluence.of.includes(name);
}

type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** Column expressions the SQL forms of the scope rules read. */
export interface ScopeColumns {
  /** The pipeline's listen_to (jsonb; NULL means the default). */
  listenTo: Fragment;
  /** The pipeline's owner. */
  ownerId: Fragment;
  /** The signal's owner_id (NULL: public), source and scanner. */
  signalOwner: Fragment;
  signalSource: Fragment;
  signalScanner: Fragment;
}

/**
 * {@linkcode hearsSignal} as a SQL boolean, for decisions derived on read where the dispatcher's
 * loop is not at hand. The two forms live here side by side; signal_scope_sql_test.ts checks they
 * agree on every combination of scope, owner, source and listen_to.
 */
export function hearsSignalSql(sql: Sql, c: ScopeColumns): Fragment {
  return sql`(case when ${c.signalOwner} is null
      then coalesce((${c.listenTo} ->> 'public')::boolean, true)
    else ${c.signalOwner} = ${c.ownerId}
      and (coalesce(${c.listenTo} -> 'sources', '"all"') = '"all"'::jsonb
        or coalesce((${c.listenTo} -> 'sources') ? ${c.signalSource}, false)) end)`;
}

/** {@linkcode namedByConfluence} as a SQL boolean (same test as {@linkcode hearsSignalSql}). */
export function namedByConfluenceSql(sql: Sql, c: ScopeColumns): Fragment {
  return sql`(${c.listenTo} -> 'confluence' is null
    or coalesce((${c.listenTo} -> 'confluence' -> 'of')
      ? coalesce(${c.signalSource}, ${c.signalScanner}), false))`;
}
