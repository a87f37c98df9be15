/** Process-level plumbing for `main.ts` files: config errors and shutdown signals. */
import { ConfigError } from "./config.ts";

/** Runs `parse`; on ConfigError prints its message to stderr and exits with code 78 (EX_CONFIG). */
export function exitOnConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(78);
  }
}

/** An AbortSignal that fires on the first SIGINT or SIGTERM; a second one exits at once. */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort(new Error("shutdown requested"));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  return controller.signal;
}
