/**
 * compose.yaml cannot run here (no Docker engine), so its contract is checked by reading it:
 * every Deno service sets only variables shared/config.ts knows, with values it accepts, and
 * every role runs its `deno task`, has a health check on its own port and waits for healthy
 * dependencies.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { envSchema, parseConfig } from "../shared/config.ts";

interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }> | string[];
}

const compose = parse(
  await Deno.readTextFile(new URL("../compose.yaml", import.meta.url)),
  { merge: true },
) as { services: Record<string, ComposeService> };
const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));

/** Each role, and the config key of the port its health check must probe. */
const ROLES = {
  "api": "API_PORT",
  "signal-generator": "METRICS_PORT_SIGNAL_GENERATOR",
  "dispatcher": "METRICS_PORT_DISPATCHER",
  "worker": "METRICS_PORT_WORKER",
  "scheduler": "METRICS_PORT_SCHEDULER",
  "paper-ledger": "METRICS_PORT_PAPER_LEDGER",
} as const;

const denoServices = Object.entries(compose.services)
  .filter(([, s]) => s.image?.startsWith("denoland/deno"));

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => {
      const i = line.indexOf("=");
      return i < 0 ? [line, ""] : [line.slice(0, i), line.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? "")]));
}

function words(value: string[] | string | undefined): string {
  return Array.isArray(value) ? value.join(" ") : value ?? "";
}

Deno.test("compose: every variable a Deno service sets is in the config schema and valid", () => {
  assert.ok(denoServices.length >= Object.keys(ROLES).length + 1, "too few Deno services");
  const known = new Set(Object.keys(envSchema.shape));
  for (const [name, service] of denoServices) {
    const env = environmentOf(service);
    const unknown = Object.keys(env).filter((key) => !known.has(key));
    assert.deepEqual(unknown, [], `service "${name}" sets variables shared/config.ts lacks`);
    assert.doesNotThrow(() => parseConfig(env), `service "${name}" sets an invalid value`);
  }
});

Deno.test("compose: every role runs its deno task with a health check on its own port", () => {
  for (const [role, portKey] of Object.entries(ROLES)) {
    const service = compose.services[role];
    assert.ok(service, `compose.yaml has no service "${role}"`);
    assert.match(service.image ?? "", /^denoland\/deno:/, `"${role}" is not on the Deno image`);
    assert.equal(words(service.command), `deno task ${role}`, `"${role}" runs something else`);
    assert.ok(denoJson.tasks[role], `deno.json has no task "${role}"`);
    const port = parseConfig(environmentOf(service))[portKey];
    const check = words(service.healthcheck?.test);
    assert.ok(
      check.includes(`127.0.0.1:${port}/healthz`),
      `"${role}" health check does not probe /healthz on ${portKey}=${port}: ${check}`,
    );
  }
});

Deno.test("compose: services wait for healthy dependencies and a completed migration", () => {
  for (const [name, service] of Object.entries(compose.services)) {
    const dependsOn = service.depends_on ?? {};
    assert.ok(!Array.isArray(dependsOn), `"${name}" lists depends_on without conditions`);
    for (const [dependency, { condition }] of Object.entries(dependsOn)) {
      const target = compose.services[dependency];
      assert.ok(target, `"${name}" depends on a missing service "${dependency}"`);
      if (dependency === "migrate") {
        assert.equal(condition, "service_completed_successfully", `"${name}" → migrate`);
      } else {
        assert.equal(condition, "service_healthy", `"${name}" → "${dependency}"`);
        assert.ok(target.healthcheck?.test, `"${dependency}" has no health check`);
      }
    }
  }
  for (const role of Object.keys(ROLES)) {
    const dependsOn = compose.services[role]?.depends_on ?? {};
    for (const needed of ["kafka", "postgres", "redis", "migrate"]) {
      assert.ok(needed in dependsOn, `"${role}" does not wait for "${needed}"`);
    }
  }
});
