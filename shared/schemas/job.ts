/** The job payload on the jobs stream: small, the execution row in Postgres holds the rest. */
import { issuesText } from "../errors.ts";
import { z } from "../zod.ts";

export const jobSchema = z.object({
  execution_id: z.uuid(),
  pipeline_id: z.uuid(),
  /** Epoch ms when the job was put on the stream (for queue-latency metrics). */
  enqueued_at: z.coerce.number().int().nonnegative(),
});
export type Job = z.infer<typeof jobSchema>;

/** Stream entry fields of a job (XADD key value …). */
export function jobFields(job: Job): string[] {
  return [
    "execution_id",
    job.execution_id,
    "pipeline_id",
    job.pipeline_id,
    "enqueued_at",
    String(job.enqueued_at),
  ];
}

/** Parses XREADGROUP's flat field list; returns the error text when it is not a job. */
export function parseJobFields(
  fields: string[],
): { ok: true; job: Job } | { ok: false; error: string } {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  const parsed = jobSchema.safeParse(record);
  return parsed.success ? { ok: true, job: parsed.data } : {
    ok: false,
    error: issuesText(parsed.error.issues),
  };
}
