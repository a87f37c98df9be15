import assert from "node:assert/strict";
import { assetRoutes, assetUrl, CHART_BUNDLE_PATH, contentHash } from "./assets.ts";

const hashUrl = (name: string, text: string) =>
  `/ui/assets/${contentHash(new TextEncoder().encode(text))}/${name}`;

Deno.test("assetUrl: the URL carries a hash of the file's bytes", async () => {
  const css = await Deno.readTextFile(new URL("./assets/app.css", import.meta.url));
  assert.equal(assetUrl("app.css"), hashUrl("app.css", css));
  assert.match(assetUrl("htmx.min.js"), /^\/ui\/assets\/[0-9a-f]{16}\/htmx\.min\.js$/);
  assert.notEqual(assetUrl("app.js"), assetUrl("app.css").replace("app.css", "app.js"));
});

Deno.test("assets: a year's cache at the current hash, an ETag, 304 when it matches", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chartBundle = new URL(`file://${dir}/chart.js`);
    await Deno.writeTextFile(chartBundle, "console.log('chart')");
    const app = assetRoutes({ chartBundle });
    const url = hashUrl("chart.js", "console.log('chart')");
    const res = await app.request(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "console.log('chart')");
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const etag = res.headers.get("etag");
    assert.equal(etag, `"${url.split("/")[3]}"`);
    const again = await app.request(url, { headers: { "if-none-match": etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
    const stale = await app.request(url, { headers: { "if-none-match": '"x"' } });
    assert.equal(stale.status, 200);
    await stale.body?.cancel();
    // A page from before a change asks for an older hash: today's bytes, not kept for a year.
    const old = await app.request("/ui/assets/0123456789abcdef/chart.js");
    assert.equal(await old.text(), "console.log('chart')");
    assert.equal(old.headers.get("cache-control"), "no-cache");
    assert.equal((await app.request("/ui/assets/x/nope.js")).status, 404);
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
    const res = await app.request("/ui/assets/unbuilt/chart.js");
    assert.equal(res.status, 500);
    assert.equal(
      await res.text(),
      `The chart script is not built: "${chartBundle.pathname}" is missing; run "deno task build" ` +
        `(deno task start and deno task test run it)`,
    );
    assert.deepEqual(errors, ["chart.js"]);
    await Deno.writeTextFile(chartBundle, "built");
    const built = await app.request("/ui/assets/unbuilt/chart.js");
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
