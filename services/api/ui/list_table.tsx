/** The app's list table: scrollable on narrow screens, a caption for screen readers, headings. */
import type { Child } from "hono/jsx";

/** A column heading: its content and class (e.g. "num hide-narrow"; default none). */
export interface Column {
  label: Child;
  class?: string;
  /**
   * What a phone shows instead of `label` (an abbreviation, its title the label): for a column
   * whose heading is far wider than its values, e.g. "Conf." over two-digit confidences.
   */
  short?: string;
}

/** Props of {@linkcode ListTable}. */
export interface ListTableProps {
  /** What the rows are, read by screen readers only. */
  caption: string;
  /** The headings, a plain string for a column without a class. */
  columns: (string | Column)[];
  /** Attributes of the `<tbody>`, e.g. a live-update target (default none). */
  body?: Record<string, string>;
  /** The rows. */
  children?: Child;
}

/** A `.table-wrap` around a table with column headings and `children` as its rows. */
export function ListTable(props: ListTableProps) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="skip">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) =>
              typeof c === "string"
                ? <th scope="col">{c}</th>
                : <th scope="col" class={c.class}>{c.short ? <Short {...c} /> : c.label}</th>
            )}
          </tr>
        </thead>
        <tbody {...props.body}>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A heading both ways: the label on wide screens, the abbreviation (titled with it) on phones. */
function Short(props: Column) {
  return (
    <>
      <span class="hide-narrow">{props.label}</span>
      <abbr class="show-narrow" title={typeof props.label === "string" ? props.label : undefined}>
        {props.short}
      </abbr>
    </>
  );
}
