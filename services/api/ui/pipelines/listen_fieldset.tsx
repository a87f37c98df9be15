/**
 * The pipeline form's "Listens to" section: public signals, the owner's sources (all, or the ones
 * checked), and an optional k-of-n confluence whose sources are picked one row each, so their
 * order (for "in this order") is the rows' order. Works without JavaScript: every row is there.
 */
import { fieldAria, FieldError, type FieldErrors, InputField } from "../form_field.tsx";
import type { ListenValues } from "./listen_values.ts";
import type { SourceChoice } from "./source_choices.ts";

/** Most rows of confluence sources offered (the schema allows 10). */
const MAX_ROWS = 10;
/** Empty rows offered after the chosen ones. */
const SPARE_ROWS = 2;

const KIND_LABEL = { webhook: "webhook", scanner: "your scanner", public: "public scanner" };

/** Props of {@linkcode ListenFieldset}. */
export interface ListenFieldsetProps {
  values: ListenValues;
  errors: FieldErrors;
  choices: SourceChoice[];
}

/** The section. */
export function ListenFieldset(props: ListenFieldsetProps) {
  const { values: v, errors, choices } = props;
  const own = choices.filter((c) => c.kind !== "public");
  const rows = Math.min(MAX_ROWS, Math.max(3, v.of.length + SPARE_ROWS));
  return (
    <fieldset data-mode="signal">
      <legend>Listens to</legend>
      <input type="hidden" name="listen_form" value="1" />
      <label>
        <input type="checkbox" name="listen_public" checked={v.public} /> Public signals{" "}
        <span class="muted">(the built-in scanners)</span>
      </label>
      <FieldError name="listen_public" errors={errors} />
      <fieldset {...fieldAria("listen_sources", errors)}>
        <legend>Your sources</legend>
        <label class="choice">
          <input type="radio" name="listen_mode" value="all" checked={v.mode === "all"} />{" "}
          All of them, also ones added later
        </label>
        <label class="choice">
          <input type="radio" name="listen_mode" value="some" checked={v.mode === "some"} />{" "}
          Only the ones checked
        </label>
        {own.length === 0
          ? (
            <p class="hint">
              No webhook sources or scanners yet: add them under <a href="/sources">Sources</a> and
              {" "}
              <a href="/scanners">Scanners</a>.
            </p>
          )
          : (
            <div class="choices">
              {own.map((c) => (
                <label class="choice">
                  <input
                    type="checkbox"
                    name="listen_sources"
                    value={c.value}
                    checked={v.sources.includes(c.value)}
                  />{" "}
                  {c.label} <span class="muted">({KIND_LABEL[c.kind]})</span>
                </label>
              ))}
            </div>
          )}
        <FieldError name="listen_sources" errors={errors} />
      </fieldset>
      <fieldset>
        <legend>Confluence</legend>
        <label>
          <input type="checkbox" name="confluence_on" checked={v.confluence} />{" "}
          Run only when several sources agree
        </label>
        <p class="hint">
          k of the sources below must signal the same direction for a ticker within the window; the
          pipeline then runs once, with the signals that formed it.
        </p>
        <div class="grid2">
          <InputField
            label="Sources that must agree (k)"
            name="confluence_k"
            errors={errors}
            inputmode="numeric"
            value={v.k}
          />
          <InputField
            label="Within (seconds)"
            name="confluence_within"
            errors={errors}
            inputmode="numeric"
            value={v.within}
          />
        </div>
        <div class="confluence-rows" {...fieldAria("confluence_of", errors)}>
          {Array.from({ length: rows }, (_, i) => (
            <div class="field">
              <label for={`confluence_of_${i + 1}`}>Confluence source {i + 1}</label>
              <select id={`confluence_of_${i + 1}`} name="confluence_of">
                <option value="">—</option>
                {choices.map((c) => (
                  <option value={c.value} selected={v.of[i] === c.value}>
                    {c.label} ({KIND_LABEL[c.kind]})
                  </option>
                ))}
                {v.of[i] && !choices.some((c) => c.value === v.of[i]) && (
                  <option value={v.of[i]} selected>{v.of[i]} (not found)</option>
                )}
              </select>
            </div>
          ))}
        </div>
        <FieldError name="confluence_of" errors={errors} />
        <label>
          <input type="checkbox" name="confluence_ordered" checked={v.ordered} />{" "}
          In this order (source 1 first)
        </label>
        <FieldError name="confluence_ordered" errors={errors} />
      </fieldset>
    </fieldset>
  );
}
