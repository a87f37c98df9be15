/** Every agent, by name: the one place an agent is registered. */
import type { Agent } from "./agent.ts";
import { logAgent } from "./log.ts";
import { signalGateAgent } from "./signal_gate.ts";
import { webhookAgent } from "./webhook.ts";

// deno-lint-ignore no-explicit-any
const agents: Agent<any>[] = [logAgent, signalGateAgent, webhookAgent];

/** Agents by name. */
// deno-lint-ignore no-explicit-any
export const agentRegistry: ReadonlyMap<string, Agent<any>> = new Map(
  agents.map((a) => [a.name, a]),
);
