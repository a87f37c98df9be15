/**
 * A TCP proxy the chaos suite puts between the services and Postgres or Redis, so it can take a
 * dependency away without touching the shared server: `outage(ms)` cuts every open connection
 * and refuses new ones (accepted and closed at once) until the time is up.
 */

/** A running proxy; `port` is where services connect. */
export interface TcpProxy extends AsyncDisposable {
  port: number;
  /** Cuts every connection and refuses new ones for `ms`; resolves when it is over. */
  outage(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port) and forwards each connection to `target`. */
export function startTcpProxy(target: { hostname: string; port: number }): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let refusing = false;
  const closeQuietly = (conn: Deno.Conn) => {
    open.delete(conn);
    try {
      conn.close();
    } catch {
      // Closed already by the other side.
    }
  };
  const pipe = async (client: Deno.Conn) => {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect(target);
    } catch {
      return closeQuietly(client);
    }
    open.add(upstream);
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable),
      upstream.readable.pipeTo(client.writable),
    ]);
    closeQuietly(client);
    closeQuietly(upstream);
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      if (refusing) {
        closeQuietly(conn);
        continue;
      }
      open.add(conn);
      void pipe(conn);
    }
  })().catch(() => {});
  const close = async () => {
    listener.close();
    for (const conn of [...open]) closeQuietly(conn);
    await accepting;
  };
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async outage(ms: number) {
      refusing = true;
      for (const conn of [...open]) closeQuietly(conn);
      await new Promise((resolve) => setTimeout(resolve, ms));
      refusing = false;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
