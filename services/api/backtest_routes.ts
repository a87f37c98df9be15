/**
 * `/api/v1/pipelines/{id}/backtests`: a backtest of a stored pipeline over the bars in
 * `market_bars` (its `scanner_tickers`) or over an uploaded CSV, run as a job by this API process
 * with the same `runBacktest` as `deno task backtest`. POST answers 202 at once; GET gives the
 * status and, once done, the result. Jobs are kept in Postgres (backtest_store.ts): one whose
 * process stopped reads as `interrupted`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { agentRegistry } from "../../shared/agents/registry.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Bar } from "../../shared/market/bar.ts";
import { readBars } from "../../shared/market/bars_store.ts";
import { formatProblem, parseCsvBars } from "../../shared/market/csv_bars.ts";
import { pipelineBodyOf } from "../../shared/schemas/pipeline_request.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import { sleep } from "../../shared/sleep.ts";
import { runBacktest } from "../backtest/run_backtest.ts";
import { scannerRegistry } from "../signal_generator/scanners/registry.ts";
import type { ApiDeps } from "./api_env.ts";
import { ApiError, notFound } from "./api_error.ts";
import { idParamSchema } from "./api_schemas.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";
import { createPipelineStore } from "./pipeline_store.ts";
import {
  BACKTEST_HEARTBEAT_SECONDS,
  type BacktestJobRow,
  createBacktestStore,
} from "./backtest_store.ts";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

const requestSchema = z.object({
  from: date.optional(),
  to: date.optional(),
  cash: z.number().positive().finite().max(1e12).optional(),
  price_column: z.enum(["close", "adj_close"]).default("close"),
  /** Daily bars as CSV text (Yahoo layout, or with a ticker column); default `market_bars`. */
  csv: z.string().min(1).optional(),
  /** Trade only this ticker (names a CSV without a ticker column); default `scanner_tickers`. */
  ticker: tickerSchema.optional(),
}).strict().openapi("BacktestRequest");

const jobSchema = z.object({
  id: z.uuid(),
  pipeline_id: z.uuid(),
  status: z.enum(["running", "succeeded", "failed", "interrupted"]).openapi({
    description: "`interrupted`: the API process running it stopped (a restart); start it again",
  }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  error: z.string().nullable(),
  result: z.unknown().openapi({
    description: "What `deno task backtest` prints: trades, stats, equity; null until done",
  }),
}).openapi("Backtest");

function jobJson(row: BacktestJobRow): z.infer<typeof jobSchema> {
  return {
    id: row.id,
    pipeline_id: row.pipeline_id,
    status: row.status,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
    error: row.error,
    result: row.result ?? null,
  };
}

/** Most bars read per ticker from market_bars (80 years of trading days). */
const MAX_BARS = 20_000;
const tags = ["backtests"];
const jobParams = idParamSchema.extend({ backtest_id: z.uuid() });

/** The backtest routes, mounted at /api/v1 behind bearer auth. */
export function backtestRoutes(deps: ApiDeps) {
  const { sql, log } = deps;
  const pipelines = createPipelineStore(sql);
  const jobs = createBacktestStore(sql);

  return createRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/pipelines/{id}/backtests",
        tags,
        summary: "Backtest a pipeline over market_bars or an uploaded CSV (runs as a job)",
        request: { params: idParamSchema, body: jsonBody(requestSchema) },
        responses: {
          202: jsonResponse(jobSchema, "The job, running"),
          ...errorResponses(400, 401, 404, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const body = c.req.valid("json");
        const owner = c.get("userId");
        const row = await pipelines.get(owner, id);
        if (!row) throw notFound("Pipeline", id);
        const pipeline = pipelineBodyOf(row);
        if (body.ticker) pipeline.scanner_tickers = [body.ticker];
        const bars = body.csv ? csvBars(body.csv, body.ticker) : null;
        const { csv: _csv, ...options } = body;
        const job = await jobs.create({
          id: crypto.randomUUID(),
          pipeline_id: id,
          owner_id: owner,
          request: { ...options, ...body.csv && { csv_bytes: body.csv.length } },
        });
        let lastBeat = Date.now();
        // Between chunks of bars: yield to requests, and say this process still runs the job. If
        // the process dies, the beats stop and a reader finds the job interrupted.
        const pause = async () => {
          await sleep(0);
          if (Date.now() - lastBeat < BACKTEST_HEARTBEAT_SECONDS * 1000) return;
          lastBeat = Date.now();
          await jobs.beat(job.id).catch((error) =>
            log.warn("Cannot touch backtest {id}: {error}", {
              id: job.id,
              error: errorMessage(error),
            })
          );
        };
        const run = async () => {
          const data = bars ?? await storedBars(pipeline.scanner_tickers, body.to);
          return await runBacktest({
            pipeline,
            bars: data,
            priceColumn: body.price_column,
            ...body.from && { from: body.from },
            ...body.to && { to: body.to },
            ...body.cash && { cash: body.cash },
            scanners: [...scannerRegistry.values()],
            agents: agentRegistry,
            log,
            pause,
          });
        };
        run().then(
          (result) => ({ status: "succeeded" as const, result }),
          (error) => ({ status: "failed" as const, error: errorMessage(error) }),
        ).then((end) => jobs.finish(job.id, end))
          .catch((error) =>
            log.error("Cannot store backtest {id}: {error}", {
              id: job.id,
              error: errorMessage(error),
            })
          );
        return c.json(jobJson(job), 202);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/pipelines/{id}/backtests/{backtest_id}",
        tags,
        summary: "A backtest job: running, or its result",
        request: { params: jobParams },
        responses: {
          200: jsonResponse(jobSchema, "The job"),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const { id, backtest_id } = c.req.valid("param");
        const job = await jobs.get(c.get("userId"), id, backtest_id);
        if (!job) throw notFound("Backtest", backtest_id);
        return c.json(jobJson(job), 200);
      },
    );

  async function storedBars(tickers: readonly string[], to: string | undefined) {
    const bars = new Map<string, Bar[]>();
    for (const ticker of tickers) {
      const series = await readBars(sql, ticker, { limit: MAX_BARS, ...to && { until: to } });
      if (series.length > 0) bars.set(ticker, series);
    }
    return bars;
  }
}

/** Bars of an uploaded CSV; 422 naming the first bad rows when none are usable. */
function csvBars(text: string, ticker: string | undefined): Map<string, Bar[]> {
  const parsed = parseCsvBars(text, { file: "upload.csv", ticker: ticker ?? "UPLOAD" });
  const bars = Map.groupBy(parsed.bars, (b) => b.ticker);
  if (bars.size === 0) {
    throw new ApiError(
      422,
      "The CSV has no usable bars",
      parsed.problems.slice(0, 10).map((p) => ({
        path: "csv",
        message: formatProblem(p),
      })),
    );
  }
  return bars;
}
