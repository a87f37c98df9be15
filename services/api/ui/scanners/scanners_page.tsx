/** `/scanners`: the user's expression scanners. */
import type { UserScanner } from "../../../../shared/schemas/user_scanner.ts";
import { ListTable } from "../list_table.tsx";

/** The table, or a first-run hint when there is none. */
export function ScannersTable(props: { scanners: UserScanner[] }) {
  if (props.scanners.length === 0) {
    return (
      <p class="card empty">
        No scanners yet. <a href="/scanners/new">Write your first scanner</a>, for example{" "}
        <code>crossover(sma(close, 50), sma(close, 200))</code>.
      </p>
    );
  }
  return (
    <ListTable
      caption="Your scanners"
      columns={[
        "Name",
        { label: "Expression", class: "hide-narrow" },
        "Tickers",
        "Direction",
        "Active",
      ]}
    >
      {props.scanners.map((s) => (
        <tr>
          <td>
            <a href={`/scanners/${s.id}`}>{s.name}</a>
          </td>
          <td class="hide-narrow">
            <code class="wrap">{s.expression}</code>
          </td>
          <td>
            {s.tickers.slice(0, 6).map((t) => <span class="tag">{t}</span>)}
            {s.tickers.length > 6 && <span class="muted">+{s.tickers.length - 6}</span>}
          </td>
          <td class={s.direction}>{s.direction} {s.confidence}</td>
          <td class={s.is_active ? "on" : "off"}>{s.is_active ? "active" : "paused"}</td>
        </tr>
      ))}
    </ListTable>
  );
}
