/** The page shell every screen renders into: head with our pinned assets, nav, main. */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { NAV } from "./nav.ts";
import { assetUrl } from "./assets.ts";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  /** Path of the page, to mark its nav entry current. */
  path: string;
  csrf: string;
  /** Signed-in user's email; no nav when absent (sign-in page). */
  email?: string | undefined;
  /** Extra scripts the page needs (e.g. the chart library), by asset name. */
  scripts?: string[];
  children?: Child;
}

/** The HTML document. */
export function Layout(props: LayoutProps) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="csrf-token" content={props.csrf} />
          <title>{`${props.title} · Tickwire`}</title>
          <link rel="stylesheet" href={assetUrl("app.css")} />
          <script src={assetUrl("htmx.min.js")} defer></script>
          <script src={assetUrl("sse.js")} defer></script>
          {(props.scripts ?? []).map((s) => <script src={assetUrl(s)} defer></script>)}
          <script src={assetUrl("app.js")} defer></script>
        </head>
        <body hx-headers={JSON.stringify({ "x-csrf-token": props.csrf })}>
          <a class="skip" href="#main">Skip to content</a>
          <header class="top">
            <a class="brand" href="/">Tickwire</a>
            {props.email !== undefined && (
              <nav aria-label="Main">
                <ul>
                  {NAV.map((item) => (
                    <li>
                      <a
                        href={item.href}
                        aria-current={props.path.startsWith(item.href) ? "page" : undefined}
                      >
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {props.email !== undefined && (
              <form method="post" action="/sign-out" class="sign-out">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <span class="who">{props.email}</span>
                <button type="submit" class="link">Sign out</button>
              </form>
            )}
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A hidden CSRF field for plain (non-htmx) forms. */
export function CsrfField(props: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={props.csrf} />;
}
