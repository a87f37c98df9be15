/** Bounding a wait on a service that may never answer. */

/**
 * Resolves or rejects like `promise`, or rejects after `ms` with `no answer from <what> within … ms`
 * (`no answer within … ms` when `what` is not given).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what?: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const message = `no answer${what === undefined ? "" : ` from ${what}`} within ${ms} ms`;
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
