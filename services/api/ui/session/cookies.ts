/**
 * The browser's two cookies: `tw_session` (an API token, so a session has exactly a bearer
 * token's isolation and expiry) and `tw_csrf` (the double-submit CSRF secret every form and htmx
 * request echoes). Both HttpOnly; the session is SameSite=Lax (links from elsewhere still arrive
 * signed in), the CSRF secret SameSite=Strict.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Cookie holding the session's API token. */
export const SESSION_COOKIE = "tw_session";
/** Cookie holding the CSRF secret. */
export const CSRF_COOKIE = "tw_csrf";

/**
 * Whether cookies get the Secure flag: when the browser used https. Behind a TLS-terminating
 * proxy the request URL says http and the public origin says https.
 */
export const secure = (c: Context): boolean =>
  (c.get("publicOrigin") ?? c.req.url).startsWith("https:");

/** Sets the session cookie to `token` until `expires`. */
export function setSessionCookie(c: Context, token: string, expires: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(c),
    path: "/",
    expires,
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secure(c) });
}

/** The session token the browser sent, if any. */
export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/** The CSRF secret of this browser, created (and set as a cookie) on first use. */
export function csrfToken(c: Context): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && /^[\w-]{32,64}$/.test(existing)) return existing;
  const token = crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "");
  setCookie(c, CSRF_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(c),
    path: "/",
  });
  return token;
}
