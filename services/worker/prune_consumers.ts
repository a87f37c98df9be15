/**
 * Prunes consumers of the workers' group that are gone: every worker process joins the group
 * under its own name, and a killed one would stay listed forever (XINFO CONSUMERS, dashboards,
 * memory). A consumer is gone when it has been idle longer than the bound AND holds no pending
 * entry, and a dead worker's entries are first reclaimed by XAUTOCLAIM, so no entry is ever
 * dropped from the pending list. Before Redis 7.2 idle time counts from the last read that
 * delivered something, so a live worker left without work may be pruned too: harmless, its next
 * XREADGROUP adds it back.
 *
 * The look and the delete run in one Lua script, so an entry delivered to a consumer between the
 * two cannot be lost with it.
 */
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";

// KEYS[1]: the jobs stream. ARGV[1]: the group; ARGV[2]: least idle time in ms; ARGV[3]: the
// calling consumer (kept). Deletes each consumer with no pending entry idle at least ARGV[2];
// returns their names.
const PRUNE_SCRIPT = `
local pruned = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if info['name'] ~= ARGV[3] and tonumber(info['pending']) == 0
      and tonumber(info['idle']) >= tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    table.insert(pruned, info['name'])
  end
end
return pruned
`;

/** Deletes the group's consumers idle at least `idleMs` with nothing pending; returns their names. */
export async function pruneIdleConsumers(
  redis: Redis,
  names: Pick<RedisNames, "jobsStream" | "workersGroup">,
  options: { idleMs: number; keep: string },
): Promise<string[]> {
  return await redis.eval(
    PRUNE_SCRIPT,
    1,
    names.jobsStream,
    names.workersGroup,
    Math.round(options.idleMs),
    options.keep,
  ) as string[];
}
