/** Reads a service's Prometheus /metrics into sums per sample name (labels added up). */

/** Fetches `http://127.0.0.1:<port>/metrics`; `name_count`/`name_sum` keep their suffix. */
export async function scrapeMetrics(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`Cannot scrape metrics on :${port}: ${response.status}`);
  return parseMetrics(await response.text());
}

/** Sums the samples of a Prometheus text exposition by name, pure. */
export function parseMetrics(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1]!.endsWith("_bucket")) continue;
    sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + Number(match[3]));
  }
  return sums;
}
