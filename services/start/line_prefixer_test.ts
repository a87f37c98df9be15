import assert from "node:assert/strict";
import { prefixLines } from "./line_prefixer.ts";

Deno.test("prefixLines prefixes every line, across chunk boundaries, and flushes the last one", async () => {
  const chunks = ["one\ntw", "o\nthr", "ee"].map((s) => new TextEncoder().encode(s));
  const input = ReadableStream.from(chunks);
  const written: string[] = [];
  const out = new WritableStream<Uint8Array>({
    write: (b) => void written.push(new TextDecoder().decode(b)),
  });
  const writer = out.getWriter();
  await prefixLines(input, "[x] ", writer);
  assert.equal(written.join(""), "[x] one\n[x] two\n[x] three\n");
});
