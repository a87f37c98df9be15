/**
 * The step editor without JavaScript: its Add, move and Remove buttons submit the form with a
 * `step_action` ("add", "up:<key>", "down:<key>", "remove:<key>"), and the server answers the same
 * form with the steps changed and nothing saved. With JavaScript, app.js does the same in the page
 * and the request never leaves. Pure.
 */
import type { StepValues } from "./form_values.ts";

/** A new step of `agent`: its `key` names its inputs, its id is derived from both. */
export function newStep(agent: string, key: string): StepValues {
  return { key, id: `${agent}_${key.slice(0, 4)}`.replace(/[^a-z0-9_]/g, "_"), agent, params: {} };
}

/**
 * The steps after `action`, and the control to focus next (a button's `step_action` value, or the
 * new step's key), or null when `action` is not one (an unknown key moves nothing).
 */
export function applyStepAction(
  steps: StepValues[],
  action: string,
  add: { agent: string; key: string },
): { steps: StepValues[]; focus: string } | null {
  if (action === "add") {
    return { steps: [...steps, newStep(add.agent, add.key)], focus: `step-${add.key}-id` };
  }
  const match = /^(up|down|remove):(.+)$/.exec(action);
  if (!match) return null;
  const [, verb, key] = match;
  const at = steps.findIndex((s) => s.key === key);
  if (at < 0) return { steps, focus: "add-step-agent" };
  const next = [...steps];
  if (verb === "remove") {
    next.splice(at, 1);
    const neighbour = next[at] ?? next[at - 1];
    return { steps: next, focus: neighbour ? `remove:${neighbour.key}` : "add-step-agent" };
  }
  const to = verb === "up" ? at - 1 : at + 1;
  if (to >= 0 && to < next.length) [next[at], next[to]] = [next[to]!, next[at]!];
  return { steps: next, focus: action };
}
