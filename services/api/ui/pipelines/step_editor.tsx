/** The step editor: one fieldset per step with its agent's param inputs, move and remove buttons. */
import { agentChoices, type ParamField, paramFields } from "./agent_params.ts";
import type { FieldErrors, StepValues } from "./form_values.ts";

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

/** One step. */
export function StepFieldset(props: { step: StepValues; index: number; errors: FieldErrors }) {
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
        <button
          type="button"
          class="secondary"
          data-step="up"
          aria-label={`Move step ${step.id || step.agent} up`}
        >
          ↑
        </button>
        <button
          type="button"
          class="secondary"
          data-step="down"
          aria-label={`Move step ${step.id || step.agent} down`}
        >
          ↓
        </button>
        <button
          type="button"
          class="danger"
          data-step="remove"
          aria-label={`Remove step ${step.id || step.agent}`}
        >
          Remove
        </button>
      </div>
      <div class="grid2">
        <div class="field">
          <label for={`step-${step.key}-id`}>Step id</label>
          <input
            id={`step-${step.key}-id`}
            name={`${prefix}.id`}
            value={step.id}
            required
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

/** The list of steps plus the "Add step" control (htmx fetches a new step's fieldset). */
export function StepEditor(props: { steps: StepValues[]; errors: FieldErrors }) {
  return (
    <fieldset>
      <legend>Steps</legend>
      {props.errors.steps && <p class="error">{props.errors.steps}</p>}
      <div id="steps">
        {props.steps.map((step, i) => <StepFieldset step={step} index={i} errors={props.errors} />)}
      </div>
      <div class="actions" style="margin-top:10px">
        <label for="add-step-agent">Agent</label>
        <select id="add-step-agent" name="add_agent" style="width:auto">
          {agentChoices().map((a) => <option value={a.name}>{a.name}</option>)}
        </select>
        <button
          type="button"
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
