/** The scanner form (create and edit): every field labelled, its error beside it, values kept. */
import { SIGNAL_TYPES } from "../../../../shared/schemas/signal.ts";
import { Field, type FieldErrors, InputField } from "../form_field.tsx";
import { ActiveCheckbox, FormAlerts, SaveActions } from "../form_parts.tsx";
import { CsrfField } from "../layout.tsx";
import type { ScannerFormValues } from "./scanner_values.ts";

/** Props of {@linkcode ScannerForm}. */
export interface ScannerFormProps {
  action: string;
  csrf: string;
  values: ScannerFormValues;
  errors: FieldErrors;
}

/** What the expression may use, under its field. */
const EXPRESSION_HINT = "Daily bars: open, high, low, close, volume. Functions: sma, ema, rsi, " +
  "bollinger_upper/middle/lower, macd_line/signal/histogram, atr, highest, lowest, prev, abs, " +
  "crossover, crossunder; and, or, not, comparisons, + - * /.";

/** The form. */
export function ScannerForm(props: ScannerFormProps) {
  const { values: v, errors } = props;
  return (
    <form method="post" action={props.action} class="stack card" novalidate>
      <CsrfField csrf={props.csrf} />
      <FormAlerts errors={errors} unsaved="scanner" />
      <div class="grid2">
        <InputField label="Name" name="name" errors={errors} value={v.name} required />
        <InputField
          label="Tickers"
          name="tickers"
          errors={errors}
          hint="Separated by commas."
          value={v.tickers}
          placeholder="AAPL, MSFT"
        />
      </div>
      <Field label="Expression" name="expression" errors={errors} hint={EXPRESSION_HINT}>
        {(d) => (
          <textarea
            id="expression"
            name="expression"
            rows={3}
            spellcheck={false}
            placeholder="crossover(sma(close, 50), sma(close, 200))"
            hx-post="/scanners/check"
            hx-trigger="input changed delay:400ms"
            hx-target="#expression-check"
            hx-swap="outerHTML"
            {...d}
          >
            {v.expression}
          </textarea>
        )}
      </Field>
      <ExpressionCheck />
      <div class="grid2">
        <Field label="Direction" name="direction" errors={errors}>
          {(d) => (
            <select id="direction" name="direction" {...d}>
              {SIGNAL_TYPES.map((t) => <option value={t} selected={t === v.direction}>{t}</option>)}
            </select>
          )}
        </Field>
        <InputField
          label="Confidence"
          name="confidence"
          errors={errors}
          hint="0–100, on every signal."
          inputmode="decimal"
          value={v.confidence}
        />
      </div>
      <ActiveCheckbox checked={v.is_active} />
      <SaveActions cancel="/scanners" />
    </form>
  );
}

/**
 * The live check under the expression (htmx posts the text as it is typed): the parse error with
 * its column, or that it parses. Empty until the first check.
 */
export function ExpressionCheck(props: { problem?: string | null }) {
  const text = props.problem === undefined
    ? ""
    : props.problem === null
    ? "The expression parses."
    : props.problem;
  return (
    <p
      id="expression-check"
      class={props.problem ? "error" : "hint"}
      aria-live="polite"
      data-checked={props.problem === undefined ? undefined : "true"}
    >
      {text}
    </p>
  );
}
