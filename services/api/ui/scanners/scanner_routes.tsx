/**
 * `/scanners…`: the signed-in owner's expression scanners: list, create, edit, delete, a live
 * check of the expression as it is typed, and each scanner's preview on the stored bars. Through
 * the JSON API's scanner store and preview, scoped to the owner.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { compileExpression } from "../../../../shared/expressions/scanner_expression.ts";
import { createScannerStore } from "../../../../shared/expressions/user_scanner_store.ts";
import { readBars } from "../../../../shared/market/bars_store.ts";
import { MAX_SCANNERS_PER_USER } from "../../../../shared/schemas/user_scanner.ts";
import { ApiError } from "../../api_error.ts";
import { userLimit } from "../../owned_routes.ts";
import { previewScanner } from "../../scanner_preview.ts";
import type { FieldErrors } from "../form_field.tsx";
import { idParam, notFoundResponse, pageResponse } from "../page_response.tsx";
import { csrfToken } from "../session/cookies.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { ExpressionCheck, ScannerForm } from "./scanner_form.tsx";
import { ScannerPage } from "./scanner_page.tsx";
import { ScannersTable } from "./scanners_page.tsx";
import {
  EMPTY_SCANNER,
  parseScannerValues,
  type ScannerFormValues,
  scannerValues,
  valuesOfScanner,
} from "./scanner_values.ts";

/** Daily bars the preview chart shows (the latest). */
const CHART_BARS = 365;

/** The scanner pages, mounted at the root behind the browser session. */
export function scannerPages(deps: UiDeps) {
  const store = createScannerStore(deps.sql);
  const own = (c: Context<UiEnv>) => {
    const id = idParam(c);
    return id ? store.get(c.get("userId"), id) : Promise.resolve(null);
  };
  const notFound = (c: Context<UiEnv>) => notFoundResponse(c, `Scanner "${c.req.param("id")}"`);
  const form = (
    c: Context<UiEnv>,
    title: string,
    action: string,
    values: ScannerFormValues,
    errors: FieldErrors,
    status: 200 | 409 | 422 = Object.keys(errors).length > 0 ? 422 : 200,
  ) =>
    pageResponse(
      c,
      title,
      <>
        <h1>{title}</h1>
        <ScannerForm action={action} csrf={csrfToken(c)} values={values} errors={errors} />
      </>,
      { status },
    );

  return new Hono<UiEnv>()
    .get("/scanners", async (c) =>
      pageResponse(
        c,
        "Scanners",
        <>
          <div class="page-head">
            <h1>Scanners</h1>
            <div class="actions">
              <a class="button" href="/scanners/new">New scanner</a>
            </div>
          </div>
          <ScannersTable scanners={await store.list(c.get("userId"))} />
        </>,
      ))
    .get("/scanners/new", (c) => form(c, "New scanner", "/scanners", EMPTY_SCANNER, {}))
    .post("/scanners/check", async (c) => {
      const expression = (await c.req.parseBody())["expression"];
      let problem: string | null = null;
      try {
        compileExpression(typeof expression === "string" ? expression : "");
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      return c.html(<ExpressionCheck problem={problem} />);
    })
    .post("/scanners", async (c) => {
      const values = scannerValues(await c.req.parseBody({ all: true }));
      const parsed = parseScannerValues(values);
      if (!parsed.ok) return form(c, "New scanner", "/scanners", values, parsed.errors);
      const owner = c.get("userId");
      try {
        const cap = userLimit(MAX_SCANNERS_PER_USER, "scanners");
        const row = await store.create(owner, parsed.body, cap);
        return c.redirect(`/scanners/${row.id}`, 303);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return form(c, "New scanner", "/scanners", values, { form: error.message }, 409);
      }
    })
    .get("/scanners/:id", async (c) => {
      const scanner = await own(c);
      if (!scanner) return notFound(c);
      const asked = c.req.query("ticker");
      const ticker = scanner.tickers.find((t) => t === asked) ?? scanner.tickers[0];
      const [preview, bars] = await Promise.all([
        previewScanner(deps.sql, scanner),
        ticker ? readBars(deps.sql, ticker, { limit: CHART_BARS }) : Promise.resolve([]),
      ]);
      return pageResponse(
        c,
        scanner.name,
        <ScannerPage
          scanner={scanner}
          csrf={csrfToken(c)}
          preview={preview}
          chart={ticker ? { ticker, bars } : null}
        />,
        { scripts: ["chart.js"] },
      );
    })
    .get("/scanners/:id/edit", async (c) => {
      const scanner = await own(c);
      if (!scanner) return notFound(c);
      return form(
        c,
        `Edit ${scanner.name}`,
        `/scanners/${scanner.id}`,
        valuesOfScanner(scanner),
        {},
      );
    })
    .post("/scanners/:id", async (c) => {
      const scanner = await own(c);
      if (!scanner) return notFound(c);
      const values = scannerValues(await c.req.parseBody({ all: true }));
      const parsed = parseScannerValues(values);
      if (!parsed.ok) {
        return form(c, `Edit ${scanner.name}`, `/scanners/${scanner.id}`, values, parsed.errors);
      }
      await store.update(c.get("userId"), scanner.id, parsed.body);
      return c.redirect(`/scanners/${scanner.id}`, 303);
    })
    .post("/scanners/:id/delete", async (c) => {
      const id = idParam(c);
      if (!id || !(await store.remove(c.get("userId"), id))) return notFound(c);
      return c.redirect("/scanners", 303);
    });
}
