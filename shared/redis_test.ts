import assert from "node:assert/strict";
import { serviceLogger } from "./logging.ts";
import { connectRedis, duplicateRedis } from "./redis.ts";

/** A port nothing listens on: bound, read, released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("duplicateRedis: a second connection reports an outage like the first, no stack traces", async () => {
  const printed: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void printed.push(args);
  const log = serviceLogger("redis-test");
  const redis = connectRedis(`redis://127.0.0.1:${closedPort()}`, { name: "tickwire-test", log });
  const reader = duplicateRedis(redis, log);
  try {
    assert.ok(reader.listenerCount("error") > 0, "the duplicate has an error listener");
    // Connecting fails and ioredis retries: without a listener each failure prints
    // "[ioredis] Unhandled error event" with a stack trace.
    const failed = new Promise<void>((resolve) => reader.once("error", () => resolve()));
    reader.connect().catch(() => {});
    await failed;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(
      printed.filter((args) => String(args[0]).includes("ioredis")),
      [],
    );
  } finally {
    console.error = original;
    reader.disconnect();
    redis.disconnect();
  }
});
