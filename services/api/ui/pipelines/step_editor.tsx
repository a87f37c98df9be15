/** The step editor: one fieldset per step with its agent's param inputs, move and remove buttons. */
import { agentChoices, type ParamField, paramFields } from "./agent_params.ts";
import type { FieldErrors } from "../form_field.tsx";
import type { StepValues } from "./form_values.ts";

function Error(props: { id: string; message: string | undefined }) {
  return props.message ? <p class="error" id={props.id}>{props.message}</p> : null;
}

function ParamInput(props: { step: StepValues; field: ParamField; errors: FieldErrors }) {
  const { step, field } = props;
  const name = `step.${step.key}.param.${field.name}`;
  const id = `step-${step.key}-${field.name}`;
  const message = props.errors[name];
  const value = step.params[field.name] ?? "";
  const described = message ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : {};
  const label = `${field.name}${field.required ? " (required)" : ""}`;
  if (field.kind === "boolean") {
    return (
      <div class="field">
        <label>
          <input type="checkbox" name={name} id={id} checked={value === "true" || value === "on"} />
          {" "}
          {field.name}
        </label>
        <Error id={`${id}-error`} message={message} />
      </div>
    );
  }
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {field.kind === "enum"
        ? (
          <select id={id} name={name} {...described}>
            <option value="">{field.placeholder ? `default (${field.placeholder})` : "—"}</option>
            {(field.options ?? []).map((o) => <option value={o} selected={o === value}>{o}
            </option>)}
          </select>
        )
        : (
          <input
            id={id}
            name={name}
            value={value}
            inputmode={field.kind === "number" ? "decimal" : undefined}
            placeholder={field.placeholder ?? (field.kind === "json" ? "JSON, e.g. [1, 2]" : "")}
            {...described}
          />
        )}
      <Error id={`${id}-error`} message={message} />
    </div>
  );
}

const STEP_VERBS = { up: "Move step {} up", down: "Move step {} down", remove: "Remove step {}" };

/**
 * A move or remove button. It submits the form (`step_action`), so the editor works without
 * JavaScript; app.js handles the click in the page when it runs. `focus` (default none) is the
 * `step_action` of the button the last submission pressed, which gets the focus back.
 */
function StepButton(
  props: {
    step: StepValues;
    verb: keyof typeof STEP_VERBS;
    class: string;
    focus: string | undefined;
    children: string;
  },
) {
  const value = `${props.verb}:${props.step.key}`;
  return (
    <button
      type="submit"
      name="step_action"
      value={value}
      class={props.class}
      data-step={props.verb}
      autofocus={props.focus === value}
      aria-label={STEP_VERBS[props.verb].replace("{}", props.step.id || props.step.agent)}
    >
      {props.children}
    </button>
  );
}

/** One step; `focus` (default none) names the control to focus, see {@linkcode StepButton}. */
export function StepFieldset(
  props: { step: StepValues; index: number; errors: FieldErrors; focus?: string | undefined },
) {
  const { step, errors } = props;
  const prefix = `step.${step.key}`;
  const agent = agentChoices().find((a) => a.name === step.agent);
  const idError = errors[`${prefix}.id`] ?? errors[`${prefix}.agent`] ?? errors[`${prefix}.params`];
  return (
    <fieldset class="step">
      <legend>
        Step <span data-step-number>{props.index + 1}</span>: {step.agent}
      </legend>
      <input type="hidden" name="step_key" value={step.key} />
      <input type="hidden" name={`${prefix}.agent`} value={step.agent} />
      <div class="step-head">
        <strong class="muted">{agent?.description ?? "unknown agent"}</strong>
        <StepButton step={step} verb="up" class="secondary" focus={props.focus}>↑</StepButton>
        <StepButton step={step} verb="down" class="secondary" focus={props.focus}>↓</StepButton>
        <StepButton step={step} verb="remove" class="danger" focus={props.focus}>Remove</StepButton>
      </div>
      <div class="grid2">
        <div class="field">
          <label for={`step-${step.key}-id`}>Step id</label>
          <input
            id={`step-${step.key}-id`}
            name={`${prefix}.id`}
            value={step.id}
            required
            autofocus={props.focus === `step-${step.key}-id`}
            pattern="[a-z][a-z0-9_]{0,62}"
            aria-invalid={idError ? "true" : undefined}
            aria-describedby={idError ? `step-${step.key}-id-error` : undefined}
          />
          <Error id={`step-${step.key}-id-error`} message={idError} />
        </div>
        {paramFields(step.agent).map((field) => (
          <ParamInput step={step} field={field} errors={errors} />
        ))}
      </div>
    </fieldset>
  );
}

/**
 * The list of steps plus the "Add step" control: htmx fetches a new step's fieldset, and without
 * JavaScript the button submits the form, which comes back with the step added.
 */
export function StepEditor(
  props: {
    steps: StepValues[];
    errors: FieldErrors;
    focus?: string | undefined;
    addAgent?: string | undefined;
  },
) {
  return (
    <fieldset>
      <legend>Steps</legend>
      {props.errors.steps && <p class="error">{props.errors.steps}</p>}
      <div id="steps">
        {props.steps.map((step, i) => (
          <StepFieldset step={step} index={i} errors={props.errors} focus={props.focus} />
        ))}
      </div>
      <div class="actions" style="margin-top:10px">
        <label for="add-step-agent">Agent</label>
        <select
          id="add-step-agent"
          name="add_agent"
          style="width:auto"
          autofocus={props.focus === "add-step-agent"}
        >
          {agentChoices().map((a) => (
            <option value={a.name} selected={a.name === props.addAgent}>{a.name}</option>
          ))}
        </select>
        <button
          type="submit"
          name="step_action"
          value="add"
          class="secondary"
          hx-get="/pipelines/step"
          hx-include="#add-step-agent"
          hx-target="#steps"
          hx-swap="beforeend"
        >
          Add step
        </button>
      </div>
    </fieldset>
  );
}
