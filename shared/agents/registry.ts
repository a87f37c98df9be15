/** Every agent, by name: the one place an agent is registered. */
import type { Agent } from "./agent.ts";
import { logAgent } from "./log.ts";
import { signalGateAgent } from "./signal_gate.ts";
import { webhookAgent } from "./webhook.ts";
import { indicatorsAgent } from "./indicators.ts";
import { ruleAgent } from "./rule.ts";
import { positionSizerAgent } from "./position_sizer.ts";
import { paperOrderAgent } from "./paper_order.ts";
import { closePositionAgent } from "./close_position.ts";
import { notifyAgent } from "./notify.ts";

// deno-lint-ignore no-explicit-any
const agents: Agent<any>[] = [
  logAgent,
  signalGateAgent,
  webhookAgent,
  indicatorsAgent,
  ruleAgent,
  positionSizerAgent,
  paperOrderAgent,
  closePositionAgent,
  notifyAgent,
];

/** Agents by name. */
// deno-lint-ignore no-explicit-any
export const agentRegistry: ReadonlyMap<string, Agent<any>> = new Map(
  agents.map((a) => [a.name, a]),
);
