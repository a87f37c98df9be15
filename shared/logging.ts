/**
 * LogTape set up once per process: one line per event on a TTY (shared/log_line.ts), JSON lines
 * otherwise (LOG_FORMAT forces either). Every record carries `service` and `instance`.
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getStreamSink,
  type Logger,
  type LogLevel,
  withContext,
} from "@logtape/logtape";
import { AsyncLocalStorage } from "node:async_hooks";
import { formatLogLine } from "./log_line.ts";

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** Logger category and `service` field, e.g. "dispatcher". */
  service: string;
  /** Lowest level written. */
  level: LogLevel;
  /** "auto" (the default) picks pretty on a TTY and JSON lines otherwise. */
  format?: "auto" | "pretty" | "json";
  /** Instance id; default `<hostname>-<pid>`. */
  instance?: string;
}

/** An instance id unique to this process: `<hostname>-<pid>`. */
export function instanceId(): string {
  return `${Deno.hostname()}-${Deno.pid}`;
}

/** Configures LogTape for this process and returns the service's root logger. */
export async function setupLogging(options: LoggingOptions): Promise<Logger> {
  const format = options.format ?? "auto";
  const pretty = format === "pretty" || (format === "auto" && Deno.stderr.isTerminal());
  const color = Deno.stderr.isTerminal() && !Deno.noColor;
  await configure({
    reset: true,
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: {
      console: getStreamSink(Deno.stderr.writable, {
        formatter: pretty
          ? (record) =>
            // The service's own lines need no name (start prefixes it); a sub-logger's do.
            formatLogLine(record, { category: record.category.length > 2, color })
          : getJsonLinesFormatter(),
      }),
    },
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
      { category: ["tickwire"], lowestLevel: options.level, sinks: ["console"] },
    ],
  });
  return getLogger(["tickwire", options.service]).with({
    service: options.service,
    instance: options.instance ?? instanceId(),
  });
}

/** The logger of a category below the service, e.g. `serviceLogger("dispatcher", "claim")`. */
export function serviceLogger(...category: string[]): Logger {
  return getLogger(["tickwire", ...category]);
}

export { withContext };
export type { Logger };
