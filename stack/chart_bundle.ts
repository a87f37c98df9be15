/**
 * The web app's one build step: `services/api/ui/assets/chart_client.js` bundled with the pinned
 * `lightweight-charts` into {@linkcode CHART_BUNDLE_PATH}, which the API serves as `chart.js`.
 * `deno task stack up` runs it, so `deno task start`, `deno task test`, `.ci/run` and compose's
 * migrate container all build before the API is asked for the file; `deno task build` runs it
 * alone after editing the chart script. Bundling needs esbuild, which Deno fetches from npm the
 * first time: that happens here, never while the API serves a request.
 */
import { CHART_BUNDLE_PATH, CHART_CLIENT_PATH } from "../services/api/ui/assets.ts";

/** Where {@linkcode buildChartBundle} writes (default {@linkcode CHART_BUNDLE_PATH}). */
export interface ChartBundleOptions {
  outFile?: URL;
}

/** Bundles the chart script; returns the file written and its size in bytes. */
export async function buildChartBundle(
  options: ChartBundleOptions = {},
): Promise<{ path: string; bytes: number }> {
  const outFile = options.outFile ?? CHART_BUNDLE_PATH;
  const result = await Deno.bundle({
    entrypoints: [CHART_CLIENT_PATH.href],
    platform: "browser",
    format: "iife",
    minify: true,
    write: false,
  });
  const file = result.outputFiles?.[0];
  if (!result.success || !file) {
    throw new Error(`Cannot bundle the chart script: ${JSON.stringify(result.errors)}`);
  }
  const bytes = file.contents ?? new TextEncoder().encode(file.text());
  await Deno.mkdir(new URL(".", outFile), { recursive: true });
  // Written beside, then renamed: an API that reads the file while a build runs sees the old
  // bundle or the new one, never half of one.
  const partial = new URL(`${outFile.href}.${crypto.randomUUID()}.partial`);
  await Deno.writeFile(partial, bytes);
  await Deno.rename(partial, outFile);
  return { path: outFile.pathname, bytes: bytes.length };
}
