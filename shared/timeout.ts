/** Bounding a wait on a service that may never answer. */

/** Resolves or rejects like `promise`, or rejects after `ms` with `no answer from <what> within … ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "the service"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
