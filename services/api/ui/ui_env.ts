/** What the web app's handlers see: the API's dependencies plus the live hub, and context variables. */
import type { IntakeKeys } from "../../../shared/signals/intake_keys.ts";
import type { ApiDeps } from "../api_env.ts";
import type { LiveHub } from "./live/live_hub.ts";

/** Dependencies of the web app. */
export interface UiDeps extends ApiDeps {
  /** Fans execution and signal events out to open pages. */
  hub: LiveHub;
  /** The webhook intake's keys (sealing new source secrets), loaded once by the app. */
  intakeKeys: () => Promise<IntakeKeys>;
}

/** Context variables of the web app's routes. */
export interface UiEnv {
  Variables: {
    requestId: string;
    /** The origin the browser used (see public_origin.ts). */
    publicOrigin: string;
    /** Set by the session middleware on signed-in routes. */
    userId: string;
    tokenId: string;
    email: string;
  };
}
