import assert from "node:assert/strict";
import { ensureChromium } from "./chromium.ts";

Deno.test("ensureChromium: a browser already in place is left alone and said so", async () => {
  const path = await Deno.makeTempFile();
  try {
    const lines: string[] = [];
    await ensureChromium({ path, say: (line) => lines.push(line) });
    assert.deepEqual(lines, [`chromium  present at ${path}`]);
  } finally {
    await Deno.remove(path);
  }
});
