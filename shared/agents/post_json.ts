/**
 * One POST of a JSON body with a timeout, for agents that call out (chat and other webhooks),
 * through the egress policy (see shared/egress/). Failures are classified for the worker: 5xx,
 * 408, 429, network errors and timeouts throw an Error (retryable); any other 4xx and a refused
 * address throw a NonRetryableError.
 */
import type { EgressPolicy } from "../egress/egress_policy.ts";
import { pinnedFetch } from "../egress/pinned_fetch.ts";
import { NonRetryableError } from "./errors.ts";

/** Options of {@linkcode postJson}. */
export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutSeconds: number;
  /** The step's abort signal (its timeout or the worker's shutdown). */
  abort: AbortSignal;
  /** Which addresses may be called (the agent context's `egress`). */
  egress: EgressPolicy;
  /** How errors name the target, e.g. `Notify webhook "https://hooks.slack.com/…"`. */
  target: string;
  /** Most response bytes read and kept; default 8192 (the rest is cut, `truncated` says so). */
  maxResponseBytes?: number;
}

/** What a 2xx answer came to: its status and (capped) text. */
export interface PostJsonResult {
  status: number;
  text: string;
  /** Whether `text` was cut at `maxResponseBytes`. */
  truncated: boolean;
}

/** POSTs `body` to `url`; resolves with the status and (truncated) response text when 2xx. */
export async function postJson(
  url: string,
  body: string,
  options: PostJsonOptions,
): Promise<PostJsonResult> {
  const timeout = AbortSignal.timeout(options.timeoutSeconds * 1000);
  let response;
  try {
    response = await pinnedFetch(url, {
      method: "POST",
      headers: { ...options.headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.any([options.abort, timeout]),
      policy: options.egress,
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    });
  } catch (cause) {
    if (options.abort.aborted) throw options.abort.reason;
    const reason = timeout.aborted
      ? `no response within ${options.timeoutSeconds} s`
      : (cause as Error).message;
    const message = `Cannot POST to ${options.target}: ${reason}`;
    throw cause instanceof NonRetryableError
      ? new NonRetryableError(message, { cause })
      : new Error(message, { cause });
  }
  const { status, text, truncated } = response;
  if (status >= 200 && status < 300) return { status, text, truncated };
  const message = `${options.target} answered ${status}: ${text.slice(0, 200)}`;
  const retryable = status >= 500 || status === 408 || status === 429;
  throw retryable ? new Error(message) : new NonRetryableError(message);
}
