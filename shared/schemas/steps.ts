/**
 * A pipeline's `config`: `{"steps": [{"id", "agent", "params"}]}`. The schema checks each step's
 * shape only, so that loading it loads no agent; a step's agent and params are checked against a
 * registry by {@linkcode pipelineConfigSchemaFor}, which the API and the worker call with theirs.
 */
import { z } from "../zod.ts";
import { ruleExpressionSchema } from "../rules/rule_expression.ts";

/** One step's shape; its `params` are the named agent's to check. */
export const stepSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be snake_case, e.g. size_position"),
  agent: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Runs the step only when this rule is true (else it is skipped and the run goes on). */
  when: ruleExpressionSchema.optional(),
  /** Per-step timeout in seconds; default WORKER_STEP_TIMEOUT_SECONDS. */
  timeout_seconds: z.number().positive().max(3600).optional(),
}).strict();

export type Step = z.infer<typeof stepSchema>;

/** What a config is checked against: each agent's params schema, by agent name. */
export type AgentParamsByName = ReadonlyMap<string, { params: z.ZodType }>;

/** A step checked against `agents`: the agent must exist and accept the params. */
function stepSchemaFor(agents: AgentParamsByName) {
  return stepSchema.superRefine((step, ctx) => {
    const agent = agents.get(step.agent);
    if (!agent) {
      ctx.addIssue({
        code: "custom",
        path: ["agent"],
        message: `unknown agent "${step.agent}"; known: ${[...agents.keys()].join(", ")}`,
      });
      return;
    }
    const parsed = agent.params.safeParse(step.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: "custom", path: ["params", ...issue.path], message: issue.message });
      }
    }
  });
}

/** A config of `step`s. Step ids are unique; `{}` means no steps (the run only records). */
function configSchemaOf(step: typeof stepSchema | ReturnType<typeof stepSchemaFor>) {
  return z.object({
    steps: z.array(step).max(50).default([]),
  }).strict().superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.steps.forEach((step, i) => {
      if (seen.has(step.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "id"],
          message: `duplicate step id "${step.id}"`,
        });
      }
      seen.add(step.id);
    });
  });
}

/** A pipeline's config, shape only (what a stored pipeline holds). */
export const pipelineConfigSchema = configSchemaOf(stepSchema);
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

const configSchemas = new WeakMap<AgentParamsByName, ReturnType<typeof configSchemaOf>>();

/** A pipeline's config with every step's agent and params checked against `agents` (built once). */
export function pipelineConfigSchemaFor(agents: AgentParamsByName) {
  let schema = configSchemas.get(agents);
  if (!schema) configSchemas.set(agents, schema = configSchemaOf(stepSchemaFor(agents)));
  return schema;
}
