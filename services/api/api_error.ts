/**
 * The API's one error shape, `{"error": "...", "details": [{"path", "message"}]}`, and the
 * conversion of zod issues into it.
 */
import type { z } from "zod";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One problem with the input: a dotted path into the body ("" for the body itself). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: string;
  details: ErrorDetail[];
  [extra: string]: unknown;
}

/** An error answer; throw it from a handler and the app's error handler renders it. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(status, { message });
  }

  /** The JSON body of this error. */
  body(): ErrorBody {
    return { error: this.message, details: this.details, ...this.extra };
  }
}

/** A 404 for a resource that does not exist or belongs to someone else (never tells which). */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError(404, `${kind} "${id}" not found`);
}

/** Zod issues as details; a union failure shows the issues of the branch that came closest. */
export function zodDetails(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []) {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        details.push({ path: formatPath([...path, key]), message: "is not a known field" });
      }
    } else if (issue.code === "invalid_union" && closestBranch(issue.errors)) {
      details.push(...zodDetails(closestBranch(issue.errors)!, path));
    } else {
      details.push({ path: formatPath(path), message: issue.message });
    }
  }
  return details;
}

/** A 422 listing every issue of a failed parse of `what` (e.g. "request body"). */
export function validationError(what: string, error: z.ZodError): ApiError {
  return new ApiError(422, `Invalid ${what}`, zodDetails(error.issues));
}

/**
 * The union branch the input was meant for: among branches that know every key given, the one
 * with the fewest issues. None when every branch saw unknown keys (the union's message is clearer).
 */
function closestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  return branches.filter((issues) => issues.every((i) => i.code !== "unrecognized_keys"))
    .sort((a, b) => a.length - b.length)[0];
}

function formatPath(path: PropertyKey[]): string {
  return path.map(String).join(".");
}
