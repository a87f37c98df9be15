/**
 * `fetch` for agents that call user-given URLs, safe against SSRF: each hop's host is resolved and
 * checked by the egress policy, and the connection goes to the address checked, not to whatever a
 * second DNS lookup returns (DNS rebinding). Redirects are followed by hand, each target checked
 * again, at most `maxRedirects` of them. At most `maxResponseBytes` of the answer are read.
 *
 * Pinning uses Deno's custom HTTP client: plain HTTP goes over the client's "tcp" transport to the
 * checked address (the request keeps its Host header); HTTPS goes through a one-request CONNECT
 * relay on 127.0.0.1 that opens its upstream connection to the checked address only, so TLS still
 * verifies the certificate against the URL's host name end to end.
 */
import { checkedAddress, type EgressPolicy, EgressRefusedError } from "./egress_policy.ts";
import { formatIpAddress, type IpAddress } from "./ip_address.ts";

/** Options of {@linkcode pinnedFetch}. */
export interface PinnedFetchOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  policy: EgressPolicy;
  /** Redirects followed; default 5. */
  maxRedirects?: number;
  /** Most bytes of the answer read; default 8192. */
  maxResponseBytes?: number;
  /** Extra CA certificates (PEM) trusted for HTTPS; default none (tests use one). */
  caCerts?: string[];
}

/** The final answer: status, URL after redirects, and its text, cut at `maxResponseBytes`. */
export interface PinnedResponse {
  status: number;
  url: string;
  text: string;
  /** Whether the body was longer than `maxResponseBytes` and cut. */
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends the request; throws EgressRefusedError when a hop is refused by the policy. */
export async function pinnedFetch(
  url: string,
  options: PinnedFetchOptions,
): Promise<PinnedResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  let target = new URL(url);
  let { method, body } = options;
  let headers = { ...options.headers };
  for (let hop = 0;; hop++) {
    const address = await checkedAddress(target, options.policy);
    await using client = pinnedClient(target, address, options.caCerts);
    const response = await fetch(target, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: "manual",
      signal: options.signal,
      client: client.http,
    });
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null) {
      const { text, truncated } = await readCapped(response, options.maxResponseBytes ?? 8192);
      return { status: response.status, url: target.href, text, truncated };
    }
    await response.body?.cancel();
    if (hop >= maxRedirects) {
      throw new Error(`Too many redirects (more than ${maxRedirects}) from ${JSON.stringify(url)}`);
    }
    const next = new URL(location, target);
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new EgressRefusedError(`refused: redirect to ${JSON.stringify(next.protocol)} URL`);
    }
    // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
    if (response.status === 303 || (response.status <= 302 && method === "POST")) {
      method = "GET";
      body = undefined;
      headers = withoutHeaders(headers, ["content-type", "content-length"]);
    }
    if (next.origin !== target.origin) {
      headers = withoutHeaders(headers, ["authorization", "cookie"]);
    }
    target = next;
  }
}

function withoutHeaders(headers: Record<string, string>, names: string[]) {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())),
  );
}

/** Reads at most `max` bytes of the body, then cancels the rest. */
async function readCapped(response: Response, max: number) {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value.subarray(0, max - size));
    size += Math.min(value.length, max - size);
    if (size >= max) {
      truncated = !(await reader.read().then((r) => r.done));
      await reader.cancel().catch(() => {});
      break;
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { text: new TextDecoder().decode(bytes), truncated };
}

interface PinnedClient extends AsyncDisposable {
  http: Deno.HttpClient;
}

function pinnedClient(
  url: URL,
  address: IpAddress,
  caCerts: string[] | undefined,
): PinnedClient {
  const hostname = formatIpAddress(address);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const common = { ...(caCerts ? { caCerts } : {}), poolMaxIdlePerHost: 0 };
  if (url.protocol === "http:") {
    const http = Deno.createHttpClient({ ...common, proxy: { transport: "tcp", hostname, port } });
    return { http, [Symbol.asyncDispose]: () => Promise.resolve(http.close()) };
  }
  const relay = connectRelay({ hostname, port });
  const http = Deno.createHttpClient({ ...common, proxy: { url: relay.url } });
  return {
    http,
    [Symbol.asyncDispose]: async () => {
      http.close();
      await relay.close();
    },
  };
}

/** A CONNECT proxy on 127.0.0.1 that tunnels every connection to `upstream`, whatever is asked. */
function connectRelay(upstream: { hostname: string; port: number }) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tunnels: Promise<unknown>[] = [];
  const accept = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      tunnels.push(tunnel(conn, upstream, conns).catch(() => {}).finally(() => closeQuietly(conn)));
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async close() {
      listener.close();
      for (const conn of conns) closeQuietly(conn);
      await accept;
      await Promise.allSettled(tunnels);
    },
  };
}

async function tunnel(
  conn: Deno.Conn,
  upstream: { hostname: string; port: number },
  conns: Set<Deno.Conn>,
): Promise<void> {
  // The CONNECT request head is small; it ends at the first blank line.
  const buffer = new Uint8Array(8192);
  let head = "";
  while (!head.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) return;
    head += new TextDecoder().decode(buffer.subarray(0, n));
    if (head.length > 8192) return;
  }
  const remote = await Deno.connect(upstream);
  conns.add(remote);
  await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection Established\r\n\r\n"));
  await Promise.allSettled([
    conn.readable.pipeTo(remote.writable),
    remote.readable.pipeTo(conn.writable),
  ]);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed by the other side of the pipe.
  }
}
