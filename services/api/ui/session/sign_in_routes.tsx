/**
 * `/sign-in`, `/register`, `/sign-out`: the browser's way through the same register and log-in
 * code as `/api/v1/auth`; a successful sign-in puts the issued API token in the session cookie.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { credentialsSchema } from "../../api_schemas.ts";
import { ApiError } from "../../api_error.ts";
import { authenticateToken, revokeToken } from "../../api_tokens.ts";
import type { SignIn } from "../../sign_in.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { clearSessionCookie, csrfToken, sessionToken, setSessionCookie } from "./cookies.ts";
import { SignInPage } from "./sign_in_page.tsx";

/** A local path to return to, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/pipelines";
}

/** The sign-in routes, mounted at the root. */
export function signInRoutes(deps: UiDeps, signIn: SignIn, address: (c: Context) => string) {
  const form = async (c: Context) => {
    const body = await c.req.parseBody();
    const email = typeof body.email === "string" ? body.email : "";
    return { email, password: String(body.password ?? ""), next: safeNext(body.next) };
  };
  const render = (c: Context, status: 200 | 400 | 401 | 409 | 429, props: {
    email?: string;
    next?: string;
    error?: string;
    fields?: Partial<Record<"email" | "password", string>>;
  }) => c.html(<SignInPage csrf={csrfToken(c)} {...props} />, status);

  const attempt = (register: boolean) => async (c: Context) => {
    const { email, password, next } = await form(c);
    const parsed = credentialsSchema.safeParse({ email, password });
    if (!parsed.success) {
      const fields: Partial<Record<"email" | "password", string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if (key === "email" || key === "password") {
          fields[key] ??= `${key === "email" ? "Email" : "Password"} ${issue.message}`;
        }
      }
      return render(c, 400, { email, next, fields });
    }
    try {
      if (register) await signIn.register(parsed.data.email, parsed.data.password, address(c));
      const session = await signIn.logIn(parsed.data.email, parsed.data.password, address(c));
      setSessionCookie(c, session.token, session.expires_at);
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const status = error.status as 401 | 409 | 429;
      if (status === 429) c.header("Retry-After", String(error.extra.retry_after));
      return render(c, status, { email, next, error: error.message });
    }
  };

  return new Hono<UiEnv>()
    .get("/sign-in", async (c) => {
      const token = sessionToken(c);
      if (token && /^[\w-]{1,200}$/.test(token) && await authenticateToken(deps.sql, token)) {
        return c.redirect(safeNext(c.req.query("next")), 303);
      }
      return render(c, 200, { next: safeNext(c.req.query("next")) });
    })
    .post("/sign-in", attempt(false))
    .post("/register", attempt(true))
    .post("/sign-out", async (c) => {
      const token = sessionToken(c);
      const found = token && /^[\w-]{1,200}$/.test(token)
        ? await authenticateToken(deps.sql, token)
        : null;
      if (found) await revokeToken(deps.sql, found.token_id);
      clearSessionCookie(c);
      return c.redirect("/sign-in", 303);
    });
}
