/**
 * `notify`: POSTs a chat message to a Slack or Discord incoming webhook. The body is
 * `{"text": …, "content": …}` (Slack reads `text`, Discord `content`) plus `username` and any
 * `fields` given (e.g. Slack's `icon_emoji`). `{{path}}` in the text is replaced by that value of
 * the signal or an earlier output (null prints as "n/a"). 5xx, 408, 429, network errors and
 * timeouts fail the attempt (retryable); any other 4xx, and an address EGRESS_ALLOWED_NETWORKS does
 * not allow (loopback, private…, see shared/egress/), is a NonRetryableError.
 *
 * @example {"id": "tell", "agent": "notify", "params": {"url": "https://hooks.slack.com/services/T000/B000/XXXX", "text": "Bought {{order.quantity}} {{order.ticker}} at {{order.fill_price}}"}}
 */
import { z } from "../zod.ts";
import { type AgentContext, defineAgent } from "./agent.ts";
import { postJson } from "./post_json.ts";
import { stepInput } from "./step_inputs.ts";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;

export const notifyParams = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** Message with `{{path}}` placeholders; default: the signal in one line. */
  text: z.string().min(1).max(4000).default(
    "{{signal.signal}} signal on {{signal.ticker}} (confidence {{signal.confidence}})",
  ),
  /** Sender name shown by Slack and Discord; default none (the webhook's own). */
  username: z.string().min(1).max(80).optional(),
  /** More top-level fields of the body (e.g. `icon_emoji`, `channel`); default none. */
  fields: z.record(z.string(), z.unknown()).optional(),
  /** Request timeout; default 10 s. */
  timeout_seconds: z.number().positive().max(120).default(10),
}).strict();
export type NotifyParams = z.infer<typeof notifyParams>;

/** `template` with each `{{path}}` replaced by its value in the signal and earlier outputs. */
export function renderMessage(
  template: string,
  ctx: Pick<AgentContext, "signal" | "outputs">,
): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    const value = stepInput("notify", path, ctx);
    if (value === null) return "n/a";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

export const notifyAgent = defineAgent({
  name: "notify",
  description: "Posts a message to a Slack- or Discord-compatible webhook",
  params: notifyParams,
  async run(params, ctx) {
    const text = renderMessage(params.text, ctx);
    const body = JSON.stringify({
      ...params.fields,
      ...params.username && { username: params.username },
      text,
      content: text,
    });
    const response = await postJson(params.url, body, {
      headers: { "user-agent": "tickwire-notify" },
      timeoutSeconds: params.timeout_seconds,
      abort: ctx.abort,
      egress: ctx.egress,
      // Chat webhook paths are secrets: errors (and so logs) show the origin only.
      target: `notify webhook "${new URL(params.url).origin}/…"`,
    });
    return { output: { status: response.status, text } };
  },
});
