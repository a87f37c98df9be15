/** What a backtest command reads: the pipeline file, checked like the API checks it, and the bars. */
import { agentRegistry } from "../../shared/agents/registry.ts";
import { issuesText } from "../../shared/errors.ts";
import type { Bar } from "../../shared/market/bar.ts";
import { formatProblem } from "../../shared/market/csv_bars.ts";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { type PipelineBody, pipelineBodySchemas } from "../../shared/schemas/pipeline_request.ts";

/** Parses a pipeline body (POST /api/v1/pipelines) with the API's schema and the live agents. */
export function parsePipelineBody(json: unknown, source: string): PipelineBody {
  const parsed = pipelineBodySchemas({ agents: agentRegistry }).create.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new Error(`Cannot use pipeline "${source}": ${issuesText(parsed.error.issues)}`);
}

/** Reads a pipeline file. */
export async function readPipelineFile(path: string): Promise<PipelineBody> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (cause) {
    throw new Error(`Cannot read pipeline "${path}": ${(cause as Error).message}`, { cause });
  }
  return parsePipelineBody(json, path);
}

/** Bars of a CSV file or directory, only `ticker`'s when given; bad rows are reported to `warn`. */
export async function readBacktestBars(
  path: string,
  ticker: string | undefined,
  warn: (line: string) => void,
): Promise<Map<string, Bar[]>> {
  const data = await readCsvBars(path, ticker === undefined ? {} : { fileTicker: ticker });
  for (const problem of data.problems) warn(`Skipped ${formatProblem(problem)}`);
  const bars = ticker === undefined
    ? data.bars
    : new Map([...data.bars].filter(([t]) => t === ticker));
  if (bars.size === 0) {
    const found = [...data.bars.keys()].join(", ") || "none";
    throw new Error(
      `No bars${ticker ? ` for ticker "${ticker}"` : ""} in "${path}" (found: ${found})`,
    );
  }
  return bars;
}
