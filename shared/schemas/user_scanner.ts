/**
 * A user's expression scanner: which tickers it scans, the expression (shared/expressions) and
 * the direction and confidence of the private signals it fires. One record schema; the API's
 * bodies are derived from it.
 */
import { z } from "../zod.ts";
import { compileExpression } from "../expressions/scanner_expression.ts";
import { MAX_RULE_LENGTH } from "../rules/rule_parser.ts";
import { SIGNAL_TYPES } from "./signal.ts";
import { storableText } from "./storable_text.ts";
import { tickerSchema } from "./ticker.ts";

/** Most scanners one user may have, and most tickers one scanner scans. */
export const MAX_SCANNERS_PER_USER = 20;
export const MAX_SCANNER_TICKERS = 50;

/** A scanner as stored (one row of `user_scanners`). */
export const userScannerSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid(),
  name: storableText(z.string().trim().min(1, "must not be empty").max(64)),
  tickers: z.array(tickerSchema).min(1, "must name at least one ticker")
    .max(MAX_SCANNER_TICKERS, `must have at most ${MAX_SCANNER_TICKERS} tickers`)
    .transform((tickers) => [...new Set(tickers)]),
  expression: storableText(z.string().min(1, "must not be empty").max(MAX_RULE_LENGTH))
    .superRefine((source, ctx) => {
      try {
        compileExpression(source);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  direction: z.enum(SIGNAL_TYPES, { error: 'must be "BULLISH" or "BEARISH"' }),
  confidence: z.coerce.number().min(0).max(100),
  is_active: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type UserScanner = z.infer<typeof userScannerSchema>;

/** The fields a client writes (POST, PUT), with defaults. */
export const userScannerBodySchema = userScannerSchema.omit({
  id: true,
  owner_id: true,
  created_at: true,
  updated_at: true,
}).extend({
  confidence: z.number().min(0).max(100).default(50),
  is_active: z.boolean().default(true),
}).strict();
export type UserScannerBody = z.infer<typeof userScannerBodySchema>;

/** The private source name of a scanner's signals. */
export function scannerSource(id: string): `scanner:${string}` {
  return `scanner:${id}`;
}
