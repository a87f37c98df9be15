/** What a store announces on its change channel (NOTIFY payload) for each committed change. */
import { z } from "../zod.ts";

/** One row was created or changed (`upsert`), or deleted. */
export const rowChangeSchema = z.object({
  op: z.enum(["upsert", "delete"]),
  id: z.uuid(),
});
export type RowChange = z.infer<typeof rowChangeSchema>;
