/**
 * The origin the client used (`https://tickwire.example.com`), which is not the request URL's
 * behind a TLS-terminating proxy: the proxy speaks plain HTTP to us and may rewrite Host. With
 * API_TRUST_PROXY the proxy's X-Forwarded-Proto and X-Forwarded-Host say it. The CSRF guard
 * compares a browser's Origin with it, cookies are Secure when it is https, and webhook URLs are
 * built on it.
 */
import type { MiddlewareHandler } from "hono";

/** What {@linkcode publicOrigin} reads of a request. */
export interface OriginRequest {
  url: string;
  /** The X-Forwarded-Proto header, if sent. */
  forwardedProto?: string | undefined;
  /** The X-Forwarded-Host header, if sent. */
  forwardedHost?: string | undefined;
}

const first = (header: string | undefined) => header?.split(",")[0]?.trim().toLowerCase() || "";

/**
 * The request URL's origin, or with `trustProxy` the forwarded scheme and host (each header's
 * first entry: the one the client-facing proxy wrote). A forwarded value that is not `http`,
 * `https` or a bare host[:port] is ignored. Pure.
 */
export function publicOrigin(request: OriginRequest, trustProxy: boolean): string {
  const url = new URL(request.url);
  if (!trustProxy) return url.origin;
  const proto = first(request.forwardedProto);
  const scheme = proto === "http" || proto === "https" ? `${proto}:` : url.protocol;
  const host = first(request.forwardedHost);
  if (host && /^[a-z0-9.\-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(host)) {
    try {
      return new URL(`${scheme}//${host}`).origin;
    } catch {
      // Not a host after all (a port past 65535): the request's own host stays.
    }
  }
  return new URL(`${scheme}//${url.host}`).origin;
}

/** Sets the context variable `publicOrigin` ({@linkcode publicOrigin}) for every request. */
export function publicOriginVariable(trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    c.set(
      "publicOrigin",
      publicOrigin({
        url: c.req.url,
        forwardedProto: c.req.header("x-forwarded-proto"),
        forwardedHost: c.req.header("x-forwarded-host"),
      }, trustProxy),
    );
    await next();
  };
}
