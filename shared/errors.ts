/** Failures as text, for logs and error messages: anything thrown, and zod issues. */
import type { z } from "zod";

/** The message of anything thrown (the first error of an AggregateError). */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return errorMessage(error.errors[0]);
  }
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * Zod issues on one line: `field "a.b" message; field "c" message` (`"(root)"` for the value
 * itself). `noun` names what a path points at; default "field", "" for none (`"a.b" message`).
 */
export function issuesText(issues: readonly z.core.$ZodIssue[], noun = "field"): string {
  const prefix = noun === "" ? "" : `${noun} `;
  return issues.map((i) => `${prefix}"${i.path.join(".") || "(root)"}" ${i.message}`).join("; ");
}
