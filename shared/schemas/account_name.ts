/** A paper account's name, as a pipeline or `POST /api/v1/paper/accounts` gives it. */
import { z } from "../zod.ts";

/** 1-63 letters, digits, spaces, `_` or `-`, starting with a letter or digit. */
export const accountNameSchema = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$/,
  "must be 1-63 letters, digits, spaces, _ or -",
);
