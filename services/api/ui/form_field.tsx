/** A labelled form control with its error beside it (aria-invalid, aria-describedby). */
import type { Child, JSX } from "hono/jsx";

/** Field errors by input name. */
export type FieldErrors = Record<string, string>;

/**
 * The ARIA attributes of control `name`: invalid and described by its error when it has one,
 * else described by `hintId` (default none).
 */
export function fieldAria(
  name: string,
  errors: FieldErrors,
  hintId?: string,
): Record<string, string> {
  return errors[name]
    ? { "aria-invalid": "true", "aria-describedby": `${name}-error` }
    : hintId
    ? { "aria-describedby": hintId }
    : {};
}

/** The error of control `name`, with the id {@linkcode fieldAria} points at; nothing without one. */
export function FieldError(props: { name: string; errors: FieldErrors }) {
  const message = props.errors[props.name];
  return message ? <p class="error" id={`${props.name}-error`}>{message}</p> : null;
}

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
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      {props.children(fieldAria(props.name, props.errors, hintId))}
      {props.errors[props.name]
        ? <FieldError name={props.name} errors={props.errors} />
        : props.hint && <p class="hint" id={hintId}>{props.hint}</p>}
    </div>
  );
}

/** Props of {@linkcode InputField}: the field's, then any attribute of the input. */
export type InputFieldProps = Omit<FieldProps, "children"> & JSX.IntrinsicElements["input"];

/** A {@linkcode Field} whose control is an `<input>` with id and name `name`. */
export function InputField(props: InputFieldProps) {
  const { label, name, errors, hint, ...input } = props;
  return (
    <Field label={label} name={name} errors={errors} {...(hint === undefined ? {} : { hint })}>
      {(d) => <input id={name} name={name} {...input} {...d} />}
    </Field>
  );
}
