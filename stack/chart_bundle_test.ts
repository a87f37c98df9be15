import assert from "node:assert/strict";
import { buildChartBundle } from "./chart_bundle.ts";

Deno.test("buildChartBundle: one self-contained browser script with lightweight-charts inside", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const outFile = new URL(`file://${dir}/nested/chart.js`);
    const first = await buildChartBundle({ outFile });
    const text = await Deno.readTextFile(outFile);
    assert.equal(first.path, outFile.pathname);
    assert.equal(first.bytes, new TextEncoder().encode(text).length);
    assert.match(text, /TradingView Lightweight Charts/);
    assert.match(text, /data-chart/);
    // An IIFE: nothing left for the browser to import or fetch.
    assert.doesNotMatch(text, /\bimport\s*[{(*"']|from\s*"lightweight-charts"/);
    // Rebuilding replaces the file with the same bytes and leaves no partial file behind.
    await buildChartBundle({ outFile });
    assert.equal(await Deno.readTextFile(outFile), text);
    assert.deepEqual([...Deno.readDirSync(`${dir}/nested`)].map((e) => e.name), ["chart.js"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
