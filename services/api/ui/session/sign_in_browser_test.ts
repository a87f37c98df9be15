/** Sign-up, sign-in and sign-out through the form in real Chromium; CSRF and cookie rules. */
import assert from "node:assert/strict";
import {
  launchBrowser,
  screenshot,
  serveApp,
  signUp,
  WIDTHS,
} from "../../../../tests/fixtures/browser.ts";
import { createTestApi } from "../../test_api.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "sign-in: create an account, sign out, sign in again through the form",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 800 } });

    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshot(page, "sign-in");
    const { email, password } = await signUp(page, server.url);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "tw_session");
    assert.ok(session, "a session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Lax");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.goto(`${server.url}/pipelines`);
    assert.match(page.url(), /\/sign-in\?next=%2Fpipelines$/);

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Invalid email or password").waitFor();
    assert.equal(await page.getByLabel("Email").inputValue(), email, "the form keeps the email");

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Pipelines" }).waitFor();
    assert.match(page.url(), /\/pipelines$/);

    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole("heading", { name: "Pipelines" }).waitFor();
  },
});

Deno.test({
  name: "sign-in: field errors show beside the field, the page at 390 px",
  ...options,
  async fn() {
    await using api = await createTestApi();
    await using server = serveApp(api.app.fetch);
    await using browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: WIDTHS.phone, height: 800 } });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email").fill("someone@example.com");
    await page.getByLabel("Password").fill("short");
    // The browser's own minlength check would stop the form; the server's message is the test.
    await page.locator("form").evaluate((f) => f.setAttribute("novalidate", ""));
    await page.getByRole("button", { name: "Create account" }).click();
    const error = page.locator("#password-error");
    await error.waitFor();
    assert.match(await error.innerText(), /at least 8 characters/);
    assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "true");
    await screenshot(page, "sign-in-error");
  },
});

Deno.test({
  name: "sign-in: state-changing requests without the CSRF token or from another origin get 403",
  ...options,
  async fn() {
    await using api = await createTestApi();
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (headers: Record<string, string>, body: string) =>
      api.app.request("/sign-in", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
    const noToken = await post({}, form({ email: "a@b.cd", password: "whatever1" }));
    assert.equal(noToken.status, 403);
    const wrong = await post(
      { cookie: "tw_csrf=" + "a".repeat(64) },
      form({ email: "a@b.cd", password: "whatever1", _csrf: "b".repeat(64) }),
    );
    assert.equal(wrong.status, 403);
    const crossOrigin = await post(
      { cookie: "tw_csrf=" + "a".repeat(64), origin: "https://evil.example" },
      form({ email: "a@b.cd", password: "whatever1", _csrf: "a".repeat(64) }),
    );
    assert.equal(crossOrigin.status, 403);
    const ok = await post(
      { cookie: "tw_csrf=" + "a".repeat(64) },
      form({ email: "a@b.cd", password: "whatever1", _csrf: "a".repeat(64) }),
    );
    assert.equal(ok.status, 401, "past CSRF, the credentials decide");
    // The JSON API is untouched: bearer clients send no CSRF token.
    const register = await api.call("POST", "/api/v1/auth/register", {
      body: { email: "json@example.com", password: "a long enough password" },
    });
    assert.equal(register.status, 201);
  },
});
