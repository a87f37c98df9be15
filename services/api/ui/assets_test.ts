import assert from "node:assert/strict";
import { assetRoutes, assetUrl, CHART_BUNDLE_PATH } from "./assets.ts";

Deno.test("assets: a year's cache, an ETag of the bytes, and 304 when it matches", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chartBundle = new URL(`file://${dir}/chart.js`);
    await Deno.writeTextFile(chartBundle, "console.log('chart')");
    const app = assetRoutes({ chartBundle });
    const res = await app.request(assetUrl("chart.js"));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "console.log('chart')");
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const etag = res.headers.get("etag");
    assert.match(etag ?? "", /^"[0-9a-f]{24}"$/);
    const again = await app.request(assetUrl("chart.js"), { headers: { "if-none-match": etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
    const stale = await app.request(assetUrl("chart.js"), { headers: { "if-none-match": '"x"' } });
    assert.equal(stale.status, 200);
    const css = await app.request(assetUrl("app.css"));
    assert.notEqual(css.headers.get("etag"), etag);
    assert.equal((await app.request(assetUrl("nope.js"))).status, 404);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("assets: a missing chart build answers 500 saying how to build, then serves once built", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chartBundle = new URL(`file://${dir}/chart.js`);
    const errors: string[] = [];
    const app = assetRoutes({ chartBundle, onError: (name) => errors.push(name) });
    const res = await app.request(assetUrl("chart.js"));
    assert.equal(res.status, 500);
    assert.equal(
      await res.text(),
      `The chart script is not built: "${chartBundle.pathname}" is missing; run "deno task build" ` +
        `(deno task start and deno task test run it)`,
    );
    assert.deepEqual(errors, ["chart.js"]);
    await Deno.writeTextFile(chartBundle, "built");
    const built = await app.request(assetUrl("chart.js"));
    assert.equal(built.status, 200);
    assert.equal(await built.text(), "built");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("assets: the chart bundle lives in the gitignored build directory", async () => {
  assert.match(CHART_BUNDLE_PATH.pathname, /\/\.cache\/build\/ui\/chart\.js$/);
  const ignored = await new Deno.Command("git", {
    args: ["check-ignore", "-q", CHART_BUNDLE_PATH.pathname],
    cwd: new URL("../../../", import.meta.url).pathname,
  }).output();
  assert.equal(ignored.code, 0);
});
