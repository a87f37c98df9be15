/**
 * `webhook`: POSTs `{execution, pipeline, signal, outputs}` as JSON to a URL, signed with
 * `X-Tickwire-Signature: sha256=<hex HMAC-SHA256 of the body>` when a secret is given. 5xx, 408,
 * 429, network errors and timeouts are retried in the step, then fail the attempt (retryable);
 * any other 4xx is a NonRetryableError. Loopback, private and other special addresses are refused
 * unless EGRESS_ALLOWED_NETWORKS allows them (see shared/egress/), also after each redirect; the
 * output keeps at most 8 KiB of the answer (`truncated: true` when cut).
 *
 * @example {"id": "notify", "agent": "webhook", "params": {"url": "https://example.com/hook", "secret": "s3cret"}}
 */
import { z } from "../zod.ts";
import { exponentialDelay } from "../backoff.ts";
import { sleep } from "../sleep.ts";
import { defineAgent } from "./agent.ts";
import { NonRetryableError } from "./errors.ts";
import { postJson } from "./post_json.ts";

/** Header carrying the body's signature. */
export const SIGNATURE_HEADER = "X-Tickwire-Signature";

export const webhookParams = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** HMAC-SHA256 key of the signature header; no header without it. */
  secret: z.string().min(1).max(500).optional(),
  /** Per-request timeout; default 10 s. */
  timeout_seconds: z.number().positive().max(300).default(10),
  /** Extra tries within the step after a retryable failure; default 2. */
  retries: z.number().int().min(0).max(10).default(2),
  /** Delay before the first extra try, doubled each time; default 0.5 s. */
  retry_delay_seconds: z.number().min(0).max(60).default(0.5),
  headers: z.record(z.string(), z.string()).optional(),
}).strict();
export type WebhookParams = z.infer<typeof webhookParams>;

/** `sha256=<hex>` of HMAC-SHA256(`secret`, `body`). */
export async function signBody(secret: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(body));
  return `sha256=${
    Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

export const webhookAgent = defineAgent({
  name: "webhook",
  description: "POSTs the execution, signal and earlier outputs as signed JSON to a URL",
  params: webhookParams,
  async run(params, ctx) {
    const body = JSON.stringify({
      execution: ctx.execution,
      pipeline: ctx.pipeline,
      signal: ctx.signal,
      outputs: ctx.outputs,
    });
    const headers: Record<string, string> = {
      ...params.headers,
      "content-type": "application/json",
      "user-agent": "tickwire-webhook",
      "x-tickwire-execution": ctx.execution.id,
      // Deliveries are at least once: receivers key on the execution, and see which attempt.
      "x-tickwire-attempt": String(ctx.execution.attempt),
    };
    if (params.secret) headers[SIGNATURE_HEADER] = await signBody(params.secret, body);
    for (let attempt = 1;; attempt++) {
      try {
        const response = await postJson(params.url, body, {
          headers,
          timeoutSeconds: params.timeout_seconds,
          abort: ctx.abort,
          egress: ctx.egress,
          target: `Webhook "${params.url}"`,
        });
        const output = {
          status: response.status,
          body: response.truncated ? response.text : parseBody(response.text),
          ...(response.truncated && { truncated: true }),
          attempts: attempt,
        };
        return { output };
      } catch (error) {
        if (error instanceof NonRetryableError || ctx.abort.aborted) throw error;
        if (attempt > params.retries) throw error;
        ctx.log.warn("Webhook {url} failed, trying again: {error}", {
          url: params.url,
          error: (error as Error).message,
          attempt,
        });
        await sleep(
          exponentialDelay(attempt, params.retry_delay_seconds * 1000, Infinity),
          ctx.abort,
        );
        ctx.abort.throwIfAborted();
      }
    }
  },
});

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
