import assert from "node:assert/strict";
import { startTcpProxy } from "./tcp_proxy.ts";

async function echoOnce(port: number, text: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(text));
    const buffer = new Uint8Array(100);
    const n = await conn.read(buffer);
    return n === null ? "" : new TextDecoder().decode(buffer.subarray(0, n));
  } finally {
    try {
      conn.close();
    } catch { /* closed by the proxy */ }
  }
}

Deno.test("tcp proxy: forwards, refuses during an outage, forwards again after", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) {
      void conn.readable.pipeTo(conn.writable).catch(() => {});
    }
  })().catch(() => {});
  await using proxy = startTcpProxy({
    hostname: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
  });
  assert.equal(await echoOnce(proxy.port, "hello"), "hello");
  const outage = proxy.outage(300);
  assert.equal(await echoOnce(proxy.port, "lost"), "", "a connection during the outage is closed");
  await outage;
  assert.equal(await echoOnce(proxy.port, "back"), "back");
  listener.close();
  await serving;
});
