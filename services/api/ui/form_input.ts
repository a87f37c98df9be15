/**
 * Reading a submitted form for a JSON schema: texts, numbers kept as typed when they are not
 * numbers (so the schema names the problem), and the schema's issues by field. Pure.
 */
import type { z } from "zod";
import { zodDetails } from "../api_error.ts";
import type { FieldErrors } from "./form_field.tsx";

/** A submitted form body (Hono's `parseBody({ all: true })`). */
export type FormBody = Record<string, string | File | (string | File)[]>;

/** Every text value of `key`. */
export function formTexts(body: FormBody, key: string): string[] {
  const v = body[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => typeof x === "string");
}

/** The first text value of `key`, or "". */
export function formText(body: FormBody, key: string): string {
  return formTexts(body, key)[0] ?? "";
}

/** null for blank, the number when it is one, else the text (for the schema to refuse). */
export function numberOrText(text: string): number | string | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** The first message per top-level field; an issue about no field goes under "form". */
export function fieldErrors(error: z.ZodError, fields: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of zodDetails(error.issues)) {
    const head = detail.path.split(/[.[]/)[0] ?? "";
    const field = fields.includes(head) ? head : "form";
    errors[field] ??= field === "form" ? `${detail.path} ${detail.message}`.trim() : detail.message;
  }
  return errors;
}
