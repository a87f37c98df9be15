/** `/sources`: the user's webhook sources and the form that creates one. */
import type { SignalSourceRow } from "../../signal_source_store.ts";
import { webhookUrl } from "../../signal_source_secrets.ts";
import { ago } from "../format.ts";
import { type FieldErrors, InputField } from "../form_field.tsx";
import { FormAlerts } from "../form_parts.tsx";
import { CsrfField } from "../layout.tsx";
import type { SourceFormValues } from "./source_settings.ts";
import { ListTable } from "../list_table.tsx";

/** Props of {@linkcode SourcesPage}. */
export interface SourcesPageProps {
  sources: SignalSourceRow[];
  origin: string;
  csrf: string;
  values: SourceFormValues;
  errors: FieldErrors;
  now: Date;
}

function SourcesTable(props: SourcesPageProps) {
  if (props.sources.length === 0) {
    return (
      <p class="card empty">
        No webhook sources yet. Create one below and point a TradingView alert at its URL.
      </p>
    );
  }
  return (
    <ListTable
      caption="Your webhook sources"
      columns={[
        "Name",
        "Webhook URL",
        { label: "Max lag", class: "hide-narrow" },
        { label: "Secret set", class: "hide-narrow" },
      ]}
    >
      {props.sources.map((s) => (
        <tr>
          <td>
            <a href={`/sources/${s.id}`}>{s.name}</a>
          </td>
          <td>
            <code class="wrap">{webhookUrl(props.origin, s.id)}</code>
          </td>
          <td class="hide-narrow">
            {s.max_lag_seconds ? `${s.max_lag_seconds} s` : <span class="muted">none</span>}
          </td>
          <td class="hide-narrow muted">{ago(s.secret_rotated_at, props.now)}</td>
        </tr>
      ))}
    </ListTable>
  );
}

/** The page body: the list, then the creation form with its errors beside the fields. */
export function SourcesPage(props: SourcesPageProps) {
  const v = props.values;
  const errors = props.errors;
  return (
    <>
      <div class="page-head">
        <h1>Signal sources</h1>
      </div>
      <SourcesTable {...props} />
      <h2 id="new-source">New webhook source</h2>
      <form
        method="post"
        action="/sources"
        class="stack card"
        novalidate
        aria-labelledby="new-source"
      >
        <CsrfField csrf={props.csrf} />
        <FormAlerts errors={errors} />
        <div class="grid2">
          <InputField label="Name" name="name" errors={errors} value={v.name} required />
          <InputField
            label="Max lag (seconds)"
            name="max_lag_seconds"
            errors={errors}
            hint="Alerts whose timestamp is older are rejected as stale. Blank: no limit."
            inputmode="numeric"
            value={v.max_lag_seconds}
            placeholder="no limit"
          />
          <InputField
            label="Alerts per minute"
            name="max_per_minute"
            errors={errors}
            inputmode="numeric"
            value={v.max_per_minute}
            placeholder="60"
          />
          <InputField
            label="Duplicate window (seconds)"
            name="dedup_window_seconds"
            errors={errors}
            hint="A repeated alert_id, or the same content, within it counts once."
            inputmode="numeric"
            value={v.dedup_window_seconds}
            placeholder="86400"
          />
        </div>
        <div class="actions">
          <button type="submit">Create source</button>
        </div>
      </form>
    </>
  );
}
