/** The parts every create/edit form shares around its fields: alerts, "Active", Save and Cancel. */
import type { FieldErrors } from "./form_field.tsx";

/**
 * The alerts above the fields: the error about the whole form (`errors.form`), and, with
 * `unsaved` (default none), that the `unsaved` thing was not saved while any field has an error.
 */
export function FormAlerts(props: { errors: FieldErrors; unsaved?: string }) {
  const { errors, unsaved } = props;
  return (
    <>
      {errors.form && <p class="alert" role="alert">{errors.form}</p>}
      {unsaved && Object.keys(errors).length > 0 && (
        <p class="alert" role="alert">
          {`The ${unsaved} was not saved: fix the fields marked below.`}
        </p>
      )}
    </>
  );
}

/** The `is_active` checkbox, labelled "Active". */
export function ActiveCheckbox(props: { checked: boolean }) {
  return (
    <div class="field">
      <label>
        <input type="checkbox" name="is_active" checked={props.checked} /> Active
      </label>
    </div>
  );
}

/** Save, and Cancel back to `cancel`. */
export function SaveActions(props: { cancel: string }) {
  return (
    <div class="actions">
      <button type="submit">Save</button>
      <a href={props.cancel}>Cancel</a>
    </div>
  );
}
