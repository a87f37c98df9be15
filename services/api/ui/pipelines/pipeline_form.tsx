/** The pipeline form (create and edit): every field labelled, its error beside it, values kept. */
import { OVERLAP_POLICIES, TRIGGER_MODES } from "../../../../shared/schemas/pipeline.ts";
import { SIGNAL_TYPES } from "../../../../shared/schemas/signal.ts";
import { Field, fieldAria, FieldError, type FieldErrors, InputField } from "../form_field.tsx";
import { ActiveCheckbox, FormAlerts, SaveActions } from "../form_parts.tsx";
import { CsrfField } from "../layout.tsx";
import type { PipelineFormValues } from "./form_values.ts";
import { ListenFieldset } from "./listen_fieldset.tsx";
import type { SourceChoice } from "./source_choices.ts";
import { StepEditor } from "./step_editor.tsx";

/** Props of {@linkcode PipelineForm}. */
export interface PipelineFormProps {
  action: string;
  csrf: string;
  values: PipelineFormValues;
  errors: FieldErrors;
  /** Tickers the system has seen, offered by the multi-select. */
  knownTickers: string[];
  /** The owner's sources and the public scanners, for "Listens to". */
  sourceChoices: SourceChoice[];
  /** The control to focus after a step editor submission (default none). */
  focus?: string | undefined;
  /** The agent picked in "Add step" (default the first). */
  addAgent?: string | undefined;
}

/** The form. */
export function PipelineForm(props: PipelineFormProps) {
  const { values: v, errors } = props;
  const tickers = [...new Set([...props.knownTickers, ...v.scanner_tickers])].sort();
  return (
    <form method="post" action={props.action} class="stack card" novalidate>
      <CsrfField csrf={props.csrf} />
      {
        /* Enter in a field submits with the form's first submit button: this one saves, not the
        step editor's move buttons below. Hidden from sight, the tab order and screen readers. */
      }
      <button type="submit" class="implicit-submit" tabindex={-1} aria-hidden="true">
        Save
      </button>
      <FormAlerts errors={errors} unsaved="pipeline" />
      <div class="grid2">
        <InputField label="Name" name="name" errors={errors} value={v.name} required />
        <Field label="Trigger mode" name="trigger_mode" errors={errors}>
          {(d) => (
            <select id="trigger_mode" name="trigger_mode" {...d}>
              {TRIGGER_MODES.map((m) => (
                <option value={m} selected={m === v.trigger_mode}>{m}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <InputField label="Description" name="description" errors={errors} value={v.description} />
      <div class="grid2">
        <div class="field">
          <label for="scanner_tickers">Scanner tickers</label>
          <select
            id="scanner_tickers"
            name="scanner_tickers"
            multiple
            {...fieldAria("scanner_tickers", errors, "scanner_tickers-hint")}
          >
            {tickers.map((t) => (
              <option value={t} selected={v.scanner_tickers.includes(t)}>{t}</option>
            ))}
          </select>
          <p class="hint" id="scanner_tickers-hint">
            Tickers seen in market data and signals. Ctrl or Shift selects several.
          </p>
          <FieldError name="scanner_tickers" errors={errors} />
        </div>
        <div class="field">
          <label for="new_tickers">Other tickers</label>
          <input
            id="new_tickers"
            name="new_tickers"
            value={v.new_tickers}
            placeholder="e.g. NVDA, BRK.B"
            aria-describedby="new_tickers-hint"
          />
          <p class="hint" id="new_tickers-hint">Tickers not in the list, separated by commas.</p>
        </div>
      </div>

      <fieldset data-mode="periodic">
        <legend>Schedule</legend>
        <div class="grid2">
          <div class="field">
            <label for="schedule_kind">Runs</label>
            <select id="schedule_kind" name="schedule_kind">
              <option value="every" selected={v.schedule_kind === "every"}>every N seconds</option>
              <option value="cron" selected={v.schedule_kind === "cron"}>on a cron schedule</option>
            </select>
          </div>
          <InputField
            label="Every (seconds)"
            name="every_seconds"
            errors={errors}
            inputmode="numeric"
            value={v.every_seconds}
          />
          <InputField
            label="Cron expression"
            name="cron"
            errors={errors}
            value={v.cron}
            placeholder="*/5 * * * *"
          />
        </div>
      </fieldset>

      <fieldset data-mode="signal">
        <legend>Signal filter</legend>
        <div class="grid2">
          <fieldset>
            <legend>Signal types</legend>
            {SIGNAL_TYPES.map((s) => (
              <label style="margin-right:14px">
                <input
                  type="checkbox"
                  name="signal_types"
                  value={s}
                  checked={v.signal_types.includes(s)}
                />{" "}
                {s}
              </label>
            ))}
            <FieldError name="signal_types" errors={errors} />
          </fieldset>
          <InputField
            label="Min confidence"
            name="min_confidence"
            errors={errors}
            inputmode="decimal"
            value={v.min_confidence}
            placeholder="0–100"
          />
          <InputField
            label="Scanners"
            name="scanners"
            errors={errors}
            value={v.scanners}
            placeholder="e.g. golden_cross, rsi"
          />
          <InputField
            label="Max signal age (seconds)"
            name="max_signal_age_seconds"
            errors={errors}
            inputmode="numeric"
            value={v.max_signal_age_seconds}
            placeholder="no limit"
          />
        </div>
      </fieldset>
      <ListenFieldset
        values={v.listen}
        errors={errors}
        choices={props.sourceChoices}
      />

      <div class="grid2">
        <Field label="Overlap policy" name="overlap_policy" errors={errors}>
          {(d) => (
            <select id="overlap_policy" name="overlap_policy" {...d}>
              {OVERLAP_POLICIES.map((p) => (
                <option value={p} selected={p === v.overlap_policy}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        <InputField
          label="Max attempts"
          name="max_attempts"
          errors={errors}
          inputmode="numeric"
          value={v.max_attempts}
        />
      </div>
      <ActiveCheckbox checked={v.is_active} />
      <StepEditor steps={v.steps} errors={errors} focus={props.focus} addAgent={props.addAgent} />
      <SaveActions cancel="/pipelines" />
    </form>
  );
}
