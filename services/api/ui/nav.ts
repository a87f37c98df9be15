/** The app's navigation, in one place: add a page here and every layout links it. */
export interface NavItem {
  href: string;
  label: string;
}

/** Top-level pages in menu order. */
export const NAV: readonly NavItem[] = [
  { href: "/pipelines", label: "Pipelines" },
  { href: "/signals", label: "Signals" },
  { href: "/sources", label: "Sources" },
  { href: "/scanners", label: "Scanners" },
  { href: "/paper", label: "Paper account" },
];
