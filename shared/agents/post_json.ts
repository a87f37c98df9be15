/**
 * One POST of a JSON body with a timeout, for agents that call out (chat and other webhooks).
 * Failures are classified for the worker: 5xx, 408, 429, network errors and timeouts throw an
 * Error (retryable); any other 4xx throws a NonRetryableError.
 */
import { NonRetryableError } from "./errors.ts";

/** Options of {@linkcode postJson}. */
export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutSeconds: number;
  /** The step's abort signal (its timeout or the worker's shutdown). */
  abort: AbortSignal;
  /** How errors name the target, e.g. `Notify webhook "https://hooks.slack.com/…"`. */
  target: string;
  /** Most response characters kept; default 10 000. */
  maxResponseChars?: number;
}

/** POSTs `body` to `url`; resolves with the status and (truncated) response text when 2xx. */
export async function postJson(
  url: string,
  body: string,
  options: PostJsonOptions,
): Promise<{ status: number; text: string }> {
  const timeout = AbortSignal.timeout(options.timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { ...options.headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.any([options.abort, timeout]),
    });
  } catch (cause) {
    if (options.abort.aborted) throw options.abort.reason;
    const reason = timeout.aborted
      ? `no response within ${options.timeoutSeconds} s`
      : (cause as Error).message;
    throw new Error(`Cannot POST to ${options.target}: ${reason}`, { cause });
  }
  const text = (await response.text()).slice(0, options.maxResponseChars ?? 10_000);
  if (response.ok) return { status: response.status, text };
  const message = `${options.target} answered ${response.status}: ${text.slice(0, 200)}`;
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  throw retryable ? new Error(message) : new NonRetryableError(message);
}
