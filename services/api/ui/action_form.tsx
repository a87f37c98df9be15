/** A button that POSTs an action (pause, run, rotate, delete…) with the CSRF field, without JS. */
import type { Child } from "hono/jsx";
import { CsrfField } from "./layout.tsx";

/** Props of {@linkcode ActionForm}. */
export interface ActionFormProps {
  action: string;
  csrf: string;
  /** Asked before posting, through htmx (default: not asked). */
  confirm?: string;
  /** Hidden inputs by name (default none). */
  fields?: Record<string, string>;
  /** The submit button. */
  children: Child;
}

/** An inline `<form method="post">`: the CSRF field, the hidden `fields`, then the button. */
export function ActionForm(props: ActionFormProps) {
  return (
    <form method="post" action={props.action} class="inline" hx-confirm={props.confirm}>
      <CsrfField csrf={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {props.children}
    </form>
  );
}
