/** The machine and servers a bench ran on, for the results table. */
import type { Sql } from "../shared/db.ts";
import type { Redis } from "../shared/redis.ts";
import { pomKafkaVersion } from "../stack/kafka_config.ts";

/** What latest.json records under `machine`. */
export interface Machine {
  cpus: number;
  cpu_model: string;
  memory_gb: number;
  os: string;
  deno: string;
  postgres: string;
  redis: string;
  kafka: string;
}

/** Reads /proc, the servers' versions and the stack's pinned Kafka. */
export async function describeMachine(sql: Sql, redis: Redis): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const [pg] = await sql<[{ server_version: string }]>`show server_version`;
  const info = await redis.info("server");
  const pom = new URL("../stack/kafka/pom.xml", import.meta.url);
  return {
    cpus: navigator.hardwareConcurrency,
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memory_gb: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    postgres: pg.server_version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
    kafka: pomKafkaVersion(await Deno.readTextFile(pom)),
  };
}
