/**
 * A daily bar on the bar topic (KAFKA_BAR_TOPIC): one contract for the generator (producer) and
 * the paper ledger (consumer), keyed by ticker so a ticker's bars stay in order.
 */
import { z } from "../zod.ts";
import type { Bar } from "../market/bar.ts";
import { tickerSchema } from "./ticker.ts";

/** The bar message schema version the generator writes. */
export const BAR_SCHEMA_VERSION = 1;

const price = z.number().positive().finite();

/** One bar. */
export const barMessageSchema = z.object({
  version: z.literal(BAR_SCHEMA_VERSION, { error: "unknown schema version" }),
  ticker: tickerSchema,
  date: z.iso.date("must be a date YYYY-MM-DD"),
  open: price,
  high: price,
  low: price,
  close: price,
  adj_close: price,
  volume: z.number().min(0).finite(),
});

/** The Kafka messages of `bars`, one per bar, keyed by ticker. */
export function toBarMessages(bars: readonly Bar[]): { key: string; value: string }[] {
  return bars.map((bar) => ({
    key: bar.ticker,
    value: JSON.stringify(barMessageSchema.parse({ version: BAR_SCHEMA_VERSION, ...bar })),
  }));
}

/** Parses a message value; the error text names the field when it is not a bar. */
export function parseBarMessage(
  raw: Uint8Array | string | null,
): { ok: true; bar: Bar } | { ok: false; error: string } {
  if (raw === null) return { ok: false, error: "Message has no value" };
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
  } catch (cause) {
    return { ok: false, error: `Cannot parse bar: ${(cause as Error).message}` };
  }
  const parsed = barMessageSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `field "${i.path.join(".")}" ${i.message}`);
    return { ok: false, error: `Cannot parse bar: ${problems.join("; ")}` };
  }
  const { version: _version, ...bar } = parsed.data;
  return { ok: true, bar };
}
