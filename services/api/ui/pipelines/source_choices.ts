/** The sources a pipeline of this owner may listen to or count in a confluence. */
import type { Sql } from "../../../../shared/db.ts";
import { SCANNER_NAMES } from "../../../../shared/schemas/signal.ts";

/** A choice: the name pipelines store (`webhook:<id>`, `scanner:<id>`, a public scanner's name). */
export interface SourceChoice {
  value: string;
  label: string;
  kind: "webhook" | "scanner" | "public";
}

/** The owner's webhook sources and scanners (one query), then the public scanners. */
export async function sourceChoices(sql: Sql, ownerId: string): Promise<SourceChoice[]> {
  const own = await sql<SourceChoice[]>`
    select 'webhook:' || id as value, name as label, 'webhook' as kind
    from signal_sources where owner_id = ${ownerId}
    union all
    select 'scanner:' || id, name, 'scanner' from user_scanners where owner_id = ${ownerId}
    order by kind desc, label`;
  return [
    ...own,
    ...SCANNER_NAMES.map((name): SourceChoice => ({ value: name, label: name, kind: "public" })),
  ];
}
