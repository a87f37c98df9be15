/** One webhook source: its URL, the secret once (after creation or rotation), its delivery log. */
import type { DeliveryRow, SignalSourceRow } from "../../signal_source_store.ts";
import { webhookUrl } from "../../signal_source_secrets.ts";
import { SIGNATURE_HEADER } from "../../signal_intake.ts";
import { timestamp } from "../format.ts";
import { ActionForm } from "../action_form.tsx";
import { ListTable } from "../list_table.tsx";

/** Props of {@linkcode SourcePage}. */
export interface SourcePageProps {
  source: SignalSourceRow;
  origin: string;
  csrf: string;
  /** The plain secret, right after it was issued; never otherwise. */
  secret?: string | undefined;
  deliveries: DeliveryRow[];
}

/**
 * The alert message to paste into TradingView, with the secret in it. Not JSON until TradingView
 * fills in its placeholders (`{{close}}` becomes a number).
 */
export function tradingViewMessage(secret: string): string {
  return `{"secret": ${JSON.stringify(secret)}, "ticker": "{{ticker}}", ` +
    `"action": "{{strategy.order.action}}", "price": {{close}}, ` +
    `"alert_id": "{{ticker}}-{{timenow}}"}`;
}

function SecretPanel(props: { url: string; secret: string }) {
  return (
    <section class="card stack" aria-labelledby="secret-heading">
      <h2 id="secret-heading">New secret</h2>
      <p class="alert notice" role="status">
        Copy the secret now: it is shown only this once. Rotate it to get a new one.
      </p>
      <div class="field">
        <label for="secret">Secret</label>
        <input id="secret" value={props.secret} readonly class="mono" />
      </div>
      <div class="field">
        <label for="tv-message">TradingView alert message</label>
        <textarea id="tv-message" readonly rows={3}>{tradingViewMessage(props.secret)}</textarea>
        <p class="hint">
          Other senders may leave the secret out of the body and send a{" "}
          <code>{`${SIGNATURE_HEADER}: sha256=<hex>`}</code>{" "}
          header instead: the HMAC-SHA256 of the body with the secret.
        </p>
      </div>
    </section>
  );
}

function DeliveriesTable(props: { rows: DeliveryRow[] }) {
  if (props.rows.length === 0) {
    return <p class="card empty">No deliveries yet.</p>;
  }
  return (
    <ListTable
      caption="Deliveries, newest first"
      columns={[
        "Received",
        "Outcome",
        "Ticker",
        { label: "Alert id", class: "hide-narrow" },
        "Reason",
      ]}
    >
      {props.rows.map((d) => (
        <tr>
          <td class="muted">{timestamp(d.received_at)}</td>
          <td>
            <span class={`status ${d.outcome === "accepted" ? "on" : "status-failed"}`}>
              {d.outcome.replace("_", " ")}
            </span>
          </td>
          <td>
            {d.signal_id
              ? <a href={`/signals/${encodeURIComponent(d.signal_id)}`}>{d.ticker}</a>
              : d.ticker ?? ""}
          </td>
          <td class="hide-narrow">{d.alert_id ?? ""}</td>
          <td>{d.reason ?? ""}</td>
        </tr>
      ))}
    </ListTable>
  );
}

/** The page body. */
export function SourcePage(props: SourcePageProps) {
  const s = props.source;
  const url = webhookUrl(props.origin, s.id);
  return (
    <>
      <div class="page-head">
        <h1>{s.name}</h1>
        <div class="actions">
          <ActionForm action={`/sources/${s.id}/rotate`} csrf={props.csrf}>
            <button type="submit" class="secondary">Rotate secret</button>
          </ActionForm>
          <ActionForm
            action={`/sources/${s.id}/delete`}
            csrf={props.csrf}
            confirm={`Delete source "${s.name}" and its delivery log?`}
          >
            <button type="submit" class="danger">Delete</button>
          </ActionForm>
        </div>
      </div>
      <section class="card stack">
        <div class="field">
          <label for="webhook-url">Webhook URL</label>
          <input id="webhook-url" value={url} readonly class="mono" />
        </div>
        <dl class="facts">
          <dt>Pipelines listen to it as</dt>
          <dd>
            <code>webhook:{s.id}</code>
          </dd>
          <dt>Max lag</dt>
          <dd>{s.max_lag_seconds ? `${s.max_lag_seconds} s` : "no limit"}</dd>
          <dt>Alerts per minute</dt>
          <dd>{s.max_per_minute}</dd>
          <dt>Duplicate window</dt>
          <dd>{s.dedup_window_seconds} s</dd>
          <dt>Secret set</dt>
          <dd>{timestamp(s.secret_rotated_at)} UTC</dd>
        </dl>
      </section>
      {props.secret && <SecretPanel url={url} secret={props.secret} />}
      <h2>Deliveries</h2>
      <DeliveriesTable rows={props.deliveries} />
    </>
  );
}
