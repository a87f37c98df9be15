/** The scanner form's values and what they become: the scanner body, or field errors. Pure. */
import {
  type UserScanner,
  type UserScannerBody,
  userScannerBodySchema,
} from "../../../../shared/schemas/user_scanner.ts";
import type { FieldErrors } from "../form_field.tsx";
import { fieldErrors, type FormBody, formText, numberOrText } from "../form_input.ts";

/** The form's fields, as typed. */
export const SCANNER_FIELDS = [
  "name",
  "tickers",
  "expression",
  "direction",
  "confidence",
  "is_active",
] as const;
export type ScannerFormValues =
  & Record<Exclude<(typeof SCANNER_FIELDS)[number], "is_active">, string>
  & {
    is_active: boolean;
  };

/** A fresh form. */
export const EMPTY_SCANNER: ScannerFormValues = {
  name: "",
  tickers: "",
  expression: "",
  direction: "BULLISH",
  confidence: "50",
  is_active: true,
};

/** The values of a submitted form. */
export function scannerValues(body: FormBody): ScannerFormValues {
  return {
    name: formText(body, "name"),
    tickers: formText(body, "tickers"),
    expression: formText(body, "expression"),
    direction: formText(body, "direction"),
    confidence: formText(body, "confidence"),
    is_active: formText(body, "is_active") === "on",
  };
}

/** The values showing a stored scanner. */
export function valuesOfScanner(s: UserScanner): ScannerFormValues {
  return {
    name: s.name,
    tickers: s.tickers.join(", "),
    expression: s.expression,
    direction: s.direction,
    confidence: String(s.confidence),
    is_active: s.is_active,
  };
}

/** The body the values stand for, or the errors by field. */
export function parseScannerValues(
  values: ScannerFormValues,
): { ok: true; body: UserScannerBody } | { ok: false; errors: FieldErrors } {
  const parsed = userScannerBodySchema.safeParse({
    name: values.name,
    tickers: values.tickers.split(/[\s,]+/).filter(Boolean).map((t) => t.toUpperCase()),
    expression: values.expression,
    direction: values.direction,
    confidence: numberOrText(values.confidence) ?? undefined,
    is_active: values.is_active,
  });
  return parsed.success
    ? { ok: true, body: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error, SCANNER_FIELDS) };
}
