/** What the web app's handlers see: the API's dependencies plus the live hub, and context variables. */
import type { ApiDeps } from "../api_env.ts";
import type { LiveHub } from "./live/live_hub.ts";
import type { SignalFeed } from "./signals/signal_feed.ts";

/** Dependencies of the web app. */
export interface UiDeps extends ApiDeps {
  /** Fans execution and signal events out to open pages. */
  hub: LiveHub;
  /** Signals for the live feed. */
  signalFeed: SignalFeed;
}

/** Context variables of the web app's routes. */
export interface UiEnv {
  Variables: {
    requestId: string;
    /** Set by the session middleware on signed-in routes. */
    userId: string;
    tokenId: string;
    email: string;
  };
}
