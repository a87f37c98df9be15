/**
 * A pipeline's `config`: `{"steps": [{"id", "agent", "params"}]}`. One schema for the API and the
 * worker; each agent's params are checked by that agent's own schema (see shared/agents/).
 */
import { z } from "zod";
import { agentRegistry } from "../agents/registry.ts";

const stepShape = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be snake_case, e.g. size_position"),
  agent: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Per-step timeout in seconds; default WORKER_STEP_TIMEOUT_SECONDS. */
  timeout_seconds: z.number().positive().max(3600).optional(),
}).strict();

/** One step; `params` are validated by the named agent's schema. */
export const stepSchema = stepShape.superRefine((step, ctx) => {
  const agent = agentRegistry.get(step.agent);
  if (!agent) {
    ctx.addIssue({
      code: "custom",
      path: ["agent"],
      message: `unknown agent "${step.agent}"; known: ${[...agentRegistry.keys()].join(", ")}`,
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
export type Step = z.infer<typeof stepSchema>;

/** A pipeline's config. Step ids are unique; `{}` means no steps (the run only records). */
export const pipelineConfigSchema = z.object({
  steps: z.array(stepSchema).max(50).default([]),
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
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
