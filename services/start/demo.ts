/**
 * First-run demo through the public HTTP API: a demo user and a signal pipeline watching the
 * generator's tickers. Credentials are kept in `.cache/demo.json` so later runs log in again.
 */
import { dirname } from "node:path";
import { z } from "zod";

const demoStateSchema = z.object({
  email: z.string(),
  password: z.string(),
  pipeline_id: z.string(),
});
type DemoState = z.infer<typeof demoStateSchema>;

/** What the console shows the user. */
export interface Demo {
  email: string;
  token: string;
  pipelineId: string;
  created: boolean;
}

/** Options of {@linkcode ensureDemo}. */
export interface DemoOptions {
  /** API base URL, e.g. http://127.0.0.1:8000. */
  baseUrl: string;
  /** Where credentials are kept between runs. */
  stateFile: string;
  tickers: string[];
}

/** Creates (first run) or logs in to (later runs) the demo user; returns a fresh token. */
export async function ensureDemo(options: DemoOptions): Promise<Demo> {
  const saved = await readState(options.stateFile);
  if (saved) {
    const token = await login(options.baseUrl, saved.email, saved.password);
    if (token) return { email: saved.email, token, pipelineId: saved.pipeline_id, created: false };
  }
  const email = `demo-${crypto.randomUUID().slice(0, 8)}@tickwire.local`;
  const password = crypto.randomUUID();
  await call(options.baseUrl, "POST", "/api/v1/auth/register", { email, password });
  const token = await login(options.baseUrl, email, password);
  if (!token) throw new Error(`Cannot log in as the demo user "${email}" just registered`);
  const pipeline = await call(options.baseUrl, "POST", "/api/v1/pipelines", {
    name: "Demo: log every signal",
    description: "Created by `deno task start`; runs on each signal for the demo tickers",
    trigger_mode: "signal",
    scanner_tickers: options.tickers,
    config: { steps: [{ id: "note", agent: "log", params: { message: "demo pipeline ran" } }] },
    is_active: true,
  }, token) as { id: string };
  await Deno.mkdir(dirname(options.stateFile), { recursive: true });
  await Deno.writeTextFile(
    options.stateFile,
    JSON.stringify({ email, password, pipeline_id: pipeline.id }),
  );
  return { email, token, pipelineId: pipeline.id, created: true };
}

/** Polls GET `url` until it answers 2xx or `timeoutMs` passes; throws naming the URL. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Cannot reach "${url}" within ${timeoutMs} ms`);
}

async function login(baseUrl: string, email: string, password: string): Promise<string | null> {
  const res = await fetch(`${baseUrl}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json().catch(() => null) as { token?: string } | null;
  return res.ok && body?.token ? body.token : null;
}

async function call(baseUrl: string, method: string, path: string, body: unknown, token?: string) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Cannot ${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

async function readState(file: string): Promise<DemoState | null> {
  try {
    const parsed = demoStateSchema.safeParse(JSON.parse(await Deno.readTextFile(file)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
