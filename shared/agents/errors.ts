/**
 * Step errors. Anything an agent throws is retryable (network errors, timeouts, 5xx) unless it is
 * a {@linkcode NonRetryableError}: then the run fails at once, whatever attempts are left.
 */

/** Thrown by an agent when trying again cannot help (bad params, 4xx, rejected order). */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/** Whether a run that failed with `error` may be tried again. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof NonRetryableError);
}
