/** The webhook source form's values and what they become: the settings body, or field errors. Pure. */
import { sourceSettingsSchema } from "../../signal_source_secrets.ts";
import { fieldErrors, type FormBody, formText, numberOrText } from "../form_input.ts";
import type { FieldErrors } from "../form_field.tsx";

/** The form's fields, as typed. */
export const SOURCE_FIELDS = [
  "name",
  "max_lag_seconds",
  "max_per_minute",
  "dedup_window_seconds",
] as const;
export type SourceFormValues = Record<(typeof SOURCE_FIELDS)[number], string>;

/** A fresh form. */
export const EMPTY_SOURCE: SourceFormValues = {
  name: "",
  max_lag_seconds: "",
  max_per_minute: "",
  dedup_window_seconds: "",
};

/** The values of a submitted form. */
export function sourceValues(body: FormBody): SourceFormValues {
  return Object.fromEntries(SOURCE_FIELDS.map((f) => [f, formText(body, f)])) as SourceFormValues;
}

/** The settings the values stand for (a blank limit means its default), or the errors by field. */
export function parseSourceValues(values: SourceFormValues):
  | { ok: true; settings: ReturnType<typeof sourceSettingsSchema.parse> }
  | { ok: false; errors: FieldErrors } {
  const body: Record<string, unknown> = { name: values.name };
  for (const field of ["max_lag_seconds", "max_per_minute", "dedup_window_seconds"] as const) {
    const value = numberOrText(values[field]);
    if (value !== null) body[field] = value;
  }
  const parsed = sourceSettingsSchema.safeParse(body);
  return parsed.success
    ? { ok: true, settings: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error, SOURCE_FIELDS) };
}
