/**
 * The API fuzz trial: every route of the OpenAPI document, called by a real API process with
 * malformed bodies, headers and ids (and during a Postgres outage), must never answer 5xx other
 * than the documented 503 for an unreachable database.
 */
import { chaosLogDir, createChaosStack } from "./chaos_stack.ts";
import { type TrialResult, trialResult } from "./trial_result.ts";
import { pollUntil } from "../../shared/poll_until.ts";

const BAD_BODIES: { body: BodyInit | null; type?: string }[] = [
  { body: null },
  { body: "", type: "application/json" },
  { body: "{", type: "application/json" },
  { body: "[]", type: "application/json" },
  { body: "null", type: "application/json" },
  { body: '{"name": 1, "config": "x", "steps": [null]}', type: "application/json" },
  { body: JSON.stringify({ name: "nul\u0000", description: "\ud800" }), type: "application/json" },
  { body: JSON.stringify({ ["k\u0000"]: { deep: ["\u0000"] } }), type: "application/json" },
  { body: "name=x", type: "application/x-www-form-urlencoded" },
  { body: '{"a":1}' },
  { body: "x".repeat(2_000_000), type: "application/json" },
  { body: "\u0000\u0001\u0002", type: "text/plain" },
];
const BAD_IDS = [
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "%00",
  "1".repeat(500),
  "'; drop table users; --",
];

/** Fuzzes every route; counts requests and 5xx answers. */
export async function apiFuzzTrial(brokers: string): Promise<TrialResult> {
  await using stack = await createChaosStack(brokers, { logDir: chaosLogDir("API fuzz") });
  const port = Number(Math.floor(20000 + Math.random() * 20000));
  const api = stack.start("api", { API_PORT: String(port), API_MAX_BODY_BYTES: "1048576" });
  const base = `http://127.0.0.1:${port}`;
  let requests = 0;
  const fivexx: string[] = [];
  await pollUntil("the API", async () => {
    const res = await fetch(`${base}/healthz`).catch(() => null);
    await res?.body?.cancel();
    return res?.ok || undefined;
  }, { timeoutMs: 60_000 });
  const email = `fuzz-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "a long enough password";
  await call(
    "POST",
    "/api/v1/auth/register",
    JSON.stringify({ email, password }),
    "application/json",
  );
  const login = await fetch(`${base}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const { token } = await login.json();
  const spec = await (await fetch(`${base}/api/v1/openapi.json`)).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  async function call(
    method: string,
    path: string,
    body: BodyInit | null,
    type?: string,
    auth?: string,
  ) {
    const headers: Record<string, string> = {};
    if (type) headers["content-type"] = type;
    if (auth !== undefined) headers.authorization = auth;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === null ? {} : { body }),
      });
      await res.body?.cancel();
      requests++;
      if (res.status >= 500 && res.status !== 503) fivexx.push(`${method} ${path} → ${res.status}`);
      return res.status;
    } catch (error) {
      requests++;
      fivexx.push(`${method} ${path} → ${(error as Error).message}`);
      return 0;
    }
  }
  const auths = [
    `Bearer ${token}`,
    "Bearer tw_forged",
    "Basic Zm9vOmJhcg==",
    "Bearer \u00ff",
    undefined,
  ];
  for (const [template, methods] of Object.entries(spec.paths)) {
    for (const method of Object.keys(methods)) {
      const paths = template.includes("{")
        ? BAD_IDS.map((id) => template.replace(/\{[^}]+\}/g, encodeURIComponent(id)))
        : [template, `${template}?limit=-1&cursor=%00&x=${"y".repeat(3000)}`];
      for (const path of paths) {
        for (const auth of auths) await call(method.toUpperCase(), path, null, undefined, auth);
        if (method === "get" || method === "delete") continue;
        for (const { body, type } of BAD_BODIES) {
          await call(method.toUpperCase(), path, body, type, `Bearer ${token}`);
        }
      }
    }
  }
  // The same routes while Postgres is away: 503 is the answer, not 500.
  const outage = stack.postgresProxy.outage(5000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const template of Object.keys(spec.paths).filter((p) => !p.includes("{"))) {
    await call("GET", template, null, undefined, `Bearer ${token}`);
  }
  await outage;
  await api.stop(5000);
  return trialResult({
    trial: "API fuzz",
    fault: `${
      Object.keys(spec.paths).length
    } OpenAPI paths × bad ids, auth, bodies, types; and in a Postgres outage`,
    expected: requests,
    lost: 0,
    doubled: 0,
    stuck: 0,
    http5xx: fivexx.length,
    recoverSeconds: 0,
    ...(fivexx.length > 0 ? { notes: [...new Set(fivexx)].slice(0, 10).join("; ") } : {}),
  });
}
