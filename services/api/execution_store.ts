/** Pipeline executions in Postgres, read through their pipeline's owner. */
import type { Sql } from "../../shared/db.ts";
import { type Execution, executionSchema } from "../../shared/schemas/execution.ts";
import type { PageCursor } from "./page_cursor.ts";

/** One row of `pipeline_executions` plus its position for keyset pagination. */
export type ExecutionRow = Execution & { sort_key: string };

/** Owner-scoped execution queries; another owner's execution behaves as absent. */
export interface ExecutionStore {
  get(ownerId: string, id: string): Promise<ExecutionRow | null>;
  /** A pipeline's executions newest first (the caller checked the pipeline's owner). */
  list(pipelineId: string, page: { limit: number; after: PageCursor | null }): Promise<
    ExecutionRow[]
  >;
  /** The newest queued or running execution of a pipeline, if any. */
  activeId(pipelineId: string): Promise<string | null>;
}

/** Creates the store over `sql`. */
export function createExecutionStore(sql: Sql): ExecutionStore {
  const fields = Object.keys(executionSchema.shape).map((column) => `e.${column}`);
  const columns = sql`${sql(fields)}, e.queued_at::text as sort_key`;
  return {
    async get(ownerId, id) {
      const [row] = await sql<ExecutionRow[]>`
        select ${columns} from pipeline_executions e
        join pipelines p on p.id = e.pipeline_id
        where e.id = ${id} and p.owner_id = ${ownerId}`;
      return row ?? null;
    },
    list(pipelineId, { limit, after }) {
      return sql<ExecutionRow[]>`
        select ${columns} from pipeline_executions e
        where e.pipeline_id = ${pipelineId}
          ${
        after ? sql`and (e.queued_at, e.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``
      }
        order by e.queued_at desc, e.id desc
        limit ${limit}`;
    },
    async activeId(pipelineId) {
      const [row] = await sql<{ id: string }[]>`
        select id from pipeline_executions
        where pipeline_id = ${pipelineId} and finished_at is null
        order by queued_at desc limit 1`;
      return row?.id ?? null;
    },
  };
}
