/** A labelled form control with its error beside it (aria-invalid, aria-describedby). */
import type { Child } from "hono/jsx";

/** Field errors by input name. */
export type FieldErrors = Record<string, string>;

/** Props of {@linkcode Field}. */
export interface FieldProps {
  label: string;
  name: string;
  errors: FieldErrors;
  /** Text under the control (default none). */
  hint?: string;
  /** The control; given `described`, the ARIA attributes to spread on it. */
  children: (described: Record<string, string>) => Child;
}

/** A `.field` block: label, control, error or hint. The control's id is `name`. */
export function Field(props: FieldProps) {
  const message = props.errors[props.name];
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const described: Record<string, string> = message
    ? { "aria-invalid": "true", "aria-describedby": `${props.name}-error` }
    : hintId
    ? { "aria-describedby": hintId }
    : {};
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      {props.children(described)}
      {message
        ? <p class="error" id={`${props.name}-error`}>{message}</p>
        : props.hint && <p class="hint" id={hintId}>{props.hint}</p>}
    </div>
  );
}
