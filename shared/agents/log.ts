/**
 * `log`: writes a line with the signal and earlier outputs to the worker's log; outputs the message.
 *
 * @example {"id": "note", "agent": "log", "params": {"message": "AAPL signal received", "level": "info"}}
 */
import { z } from "../zod.ts";
import { defineAgent } from "./agent.ts";

export const logAgent = defineAgent({
  name: "log",
  description: "Writes a log line with the signal and earlier outputs",
  params: z.object({
    message: z.string().max(2000).default("pipeline step"),
    level: z.enum(["debug", "info", "warning"]).default("info"),
  }).strict(),
  run(params, ctx) {
    ctx.log[params.level === "warning" ? "warn" : params.level](params.message, {
      signal: ctx.signal,
      outputs: ctx.outputs,
    });
    return Promise.resolve({ output: { message: params.message } });
  },
});
