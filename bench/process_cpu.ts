/**
 * CPU used by named groups of processes over a window, from /proc (utime + stime), in percent of
 * one core, plus the whole machine's busy share: what says which process saturates which core
 * when a rate does not hold. Linux only; a process that exited counts what it used until then.
 */

/** Processes to watch, by name; `pids` is asked again at the end (backends opened meanwhile). */
export type ProcessGroups = Record<string, () => Promise<number[]> | number[]>;

/** CPU by group in % of one core, and the machine's busy % of all its cores. */
export interface CpuUse {
  by_process: Record<string, number>;
  machine_busy_pct: number;
  cores: number;
}

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

function processTicks(pid: number): number | undefined {
  try {
    // Fields after the command (which may hold spaces) start at state; utime, stime are 14, 15.
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; total: number; cores: number } {
  const lines = Deno.readTextFileSync("/proc/stat").split("\n");
  const [, ...values] = lines[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const cores = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  return { busy: total - idle, total, cores };
}

/** The pids whose command line contains `text` (e.g. "kafka.Kafka", "redis-server"). */
export function pidsByCommand(text: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (cmd.includes(text)) pids.push(Number(entry.name));
    } catch { /* exited */ }
  }
  return pids;
}

/** Starts a window; the returned function ends it and reports. */
export async function measureCpu(groups: ProcessGroups): Promise<() => Promise<CpuUse>> {
  const startMs = performance.now();
  const machine0 = machineTicks();
  const start = new Map<number, number>();
  for (const pids of Object.values(groups)) {
    for (const pid of await pids()) start.set(pid, processTicks(pid) ?? 0);
  }
  return async () => {
    const seconds = (performance.now() - startMs) / 1000;
    const machine1 = machineTicks();
    const by_process: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) {
      let ticks = 0;
      for (const pid of new Set(await pids())) {
        // A pid first seen now (a backend opened during the window) started from zero.
        ticks += (processTicks(pid) ?? start.get(pid) ?? 0) - (start.get(pid) ?? 0);
      }
      by_process[name] = Math.round((ticks / TICKS_PER_S / seconds) * 1000) / 10;
    }
    const total = machine1.total - machine0.total;
    return {
      by_process,
      machine_busy_pct: total > 0
        ? Math.round(((machine1.busy - machine0.busy) / total) * 1000) / 10
        : 0,
      cores: machine1.cores,
    };
  };
}
