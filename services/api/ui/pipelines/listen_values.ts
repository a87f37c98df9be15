/**
 * The pipeline form's "Listens to" section: public signals, which of the owner's sources, and a
 * k-of-n confluence, as typed, and what they become (`listen_to`). Pure.
 */
import type { ListenTo } from "../../../../shared/schemas/pipeline.ts";
import { type FormBody, formText, formTexts, numberOrText } from "../form_input.ts";

/** The section as typed. */
export interface ListenValues {
  public: boolean;
  /** "all": every source of the owner; "some": only `sources`. */
  mode: "all" | "some";
  sources: string[];
  confluence: boolean;
  k: string;
  /** The confluence's sources in their order (blank rows dropped). */
  of: string[];
  within: string;
  ordered: boolean;
}

/** The defaults: public signals and every source of the owner, no confluence. */
export function defaultListen(): ListenValues {
  return {
    public: true,
    mode: "all",
    sources: [],
    confluence: false,
    k: "2",
    of: [],
    within: "3600",
    ordered: false,
  };
}

/** The section's values in a submitted form; the defaults when the form had no such section. */
export function listenFromForm(body: FormBody): ListenValues {
  if (formText(body, "listen_form") === "") return defaultListen();
  return {
    public: formText(body, "listen_public") === "on",
    mode: formText(body, "listen_mode") === "some" ? "some" : "all",
    sources: formTexts(body, "listen_sources"),
    confluence: formText(body, "confluence_on") === "on",
    k: formText(body, "confluence_k"),
    of: formTexts(body, "confluence_of").filter((s) => s !== ""),
    within: formText(body, "confluence_within"),
    ordered: formText(body, "confluence_ordered") === "on",
  };
}

/** The values showing a stored `listen_to` (null: the defaults). */
export function listenValuesOf(listen: ListenTo | null): ListenValues {
  const values = defaultListen();
  if (!listen) return values;
  const c = listen.confluence;
  return {
    public: listen.public,
    mode: listen.sources === "all" ? "all" : "some",
    sources: listen.sources === "all" ? [] : listen.sources,
    confluence: c !== undefined,
    k: c ? String(c.k) : values.k,
    of: c?.of ?? [],
    within: c ? String(c.within_seconds) : values.within,
    ordered: c?.ordered ?? false,
  };
}

/** The `listen_to` the values stand for (null for the defaults); unvalidated. */
export function listenBody(v: ListenValues): Record<string, unknown> | null {
  if (v.public && v.mode === "all" && !v.confluence) return null;
  return {
    public: v.public,
    sources: v.mode === "all" ? "all" : v.sources,
    ...(v.confluence
      ? {
        confluence: {
          k: numberOrText(v.k),
          of: v.of,
          within_seconds: numberOrText(v.within),
          ordered: v.ordered,
        },
      }
      : {}),
  };
}

const CONFLUENCE_FIELDS: Record<string, string> = {
  k: "confluence_k",
  of: "confluence_of",
  within_seconds: "confluence_within",
  ordered: "confluence_ordered",
};

/** The input an issue at `listen_to.<rest>` shows beside. */
export function listenFieldOf(rest: string[]): string {
  const [head, second] = rest;
  if (head === "public") return "listen_public";
  if (head === "sources") return "listen_sources";
  if (head === "confluence") return CONFLUENCE_FIELDS[second ?? ""] ?? "confluence_k";
  return "listen_sources";
}
