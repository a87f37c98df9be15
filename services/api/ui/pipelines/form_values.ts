/**
 * The pipeline form's values: read from a submitted form or a stored pipeline, turned into the
 * API's pipeline body, and the body schema's issues placed beside the field they are about. Pure.
 */
import type { z } from "zod";
import type { PipelineBody } from "../../../../shared/schemas/pipeline_request.ts";
import { zodDetails } from "../../api_error.ts";
import type { PipelineRow } from "../../pipeline_store.ts";
import type { FieldErrors } from "../form_field.tsx";
import { paramFields, paramText, paramValue } from "./agent_params.ts";
import {
  defaultListen,
  listenBody,
  listenFieldOf,
  listenFromForm,
  type ListenValues,
  listenValuesOf,
} from "./listen_values.ts";

/** One step as the editor shows it; `key` is stable while the step moves. */
export interface StepValues {
  key: string;
  id: string;
  agent: string;
  /** Param texts by name. */
  params: Record<string, string>;
}

/** Everything the form shows, as typed. */
export interface PipelineFormValues {
  name: string;
  description: string;
  trigger_mode: string;
  scanner_tickers: string[];
  new_tickers: string;
  schedule_kind: "every" | "cron";
  every_seconds: string;
  cron: string;
  overlap_policy: string;
  signal_types: string[];
  min_confidence: string;
  scanners: string;
  max_signal_age_seconds: string;
  max_attempts: string;
  is_active: boolean;
  /** Which signals a signal pipeline hears, and its confluence. */
  listen: ListenValues;
  steps: StepValues[];
}

/** A submitted form body (Hono's `parseBody({ all: true })`). */
export type FormBody = Record<string, string | File | (string | File)[]>;

const all = (body: FormBody, key: string): string[] => {
  const v = body[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => typeof x === "string");
};
const one = (body: FormBody, key: string): string => all(body, key)[0] ?? "";
const words = (text: string) => text.split(/[\s,]+/).map((w) => w.trim()).filter(Boolean);

/** A fresh form. */
export function emptyValues(): PipelineFormValues {
  return {
    name: "",
    description: "",
    trigger_mode: "signal",
    scanner_tickers: [],
    new_tickers: "",
    schedule_kind: "every",
    every_seconds: "60",
    cron: "",
    overlap_policy: "skip",
    signal_types: [],
    min_confidence: "",
    scanners: "",
    max_signal_age_seconds: "",
    max_attempts: "3",
    is_active: true,
    listen: defaultListen(),
    steps: [],
  };
}

/** The values of a submitted form. */
export function valuesFromForm(body: FormBody): PipelineFormValues {
  const steps = all(body, "step_key").map((key): StepValues => {
    const agent = one(body, `step.${key}.agent`);
    const params: Record<string, string> = {};
    for (const field of paramFields(agent)) {
      params[field.name] = one(body, `step.${key}.param.${field.name}`);
    }
    return { key, id: one(body, `step.${key}.id`), agent, params };
  });
  return {
    name: one(body, "name"),
    description: one(body, "description"),
    trigger_mode: one(body, "trigger_mode"),
    scanner_tickers: all(body, "scanner_tickers"),
    new_tickers: one(body, "new_tickers"),
    schedule_kind: one(body, "schedule_kind") === "cron" ? "cron" : "every",
    every_seconds: one(body, "every_seconds"),
    cron: one(body, "cron"),
    overlap_policy: one(body, "overlap_policy"),
    signal_types: all(body, "signal_types"),
    min_confidence: one(body, "min_confidence"),
    scanners: one(body, "scanners"),
    max_signal_age_seconds: one(body, "max_signal_age_seconds"),
    max_attempts: one(body, "max_attempts"),
    is_active: one(body, "is_active") === "on",
    listen: listenFromForm(body),
    steps,
  };
}

/** The values showing a stored pipeline. */
export function valuesFromPipeline(p: PipelineRow): PipelineFormValues {
  const schedule = p.schedule;
  return {
    name: p.name,
    description: p.description,
    trigger_mode: p.trigger_mode,
    scanner_tickers: p.scanner_tickers,
    new_tickers: "",
    schedule_kind: schedule && "cron" in schedule ? "cron" : "every",
    every_seconds: schedule && "every_seconds" in schedule ? String(schedule.every_seconds) : "60",
    cron: schedule && "cron" in schedule ? schedule.cron : "",
    overlap_policy: p.overlap_policy,
    signal_types: p.signal_filter?.signals ?? [],
    min_confidence: p.signal_filter?.min_confidence?.toString() ?? "",
    scanners: (p.signal_filter?.scanners ?? []).join(", "),
    max_signal_age_seconds: p.max_signal_age_seconds?.toString() ?? "",
    max_attempts: String(p.max_attempts),
    is_active: p.is_active,
    listen: listenValuesOf(p.listen_to),
    steps: p.config.steps.map((step, i) => ({
      key: `s${i}`,
      id: step.id,
      agent: step.agent,
      params: Object.fromEntries(
        paramFields(step.agent).map((f) => [f.name, paramText(f, step.params[f.name])]),
      ),
    })),
  };
}

const numberOr = (text: string): number | string | null => {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
};

/** The API body the values stand for (unvalidated: the body schema decides). */
export function bodyFromValues(v: PipelineFormValues): Record<string, unknown> {
  const signalFilter: Record<string, unknown> = {};
  if (v.signal_types.length > 0) signalFilter.signals = v.signal_types;
  if (v.min_confidence.trim() !== "") signalFilter.min_confidence = numberOr(v.min_confidence);
  if (words(v.scanners).length > 0) signalFilter.scanners = words(v.scanners);
  const periodic = v.trigger_mode === "periodic";
  return {
    name: v.name,
    description: v.description,
    trigger_mode: v.trigger_mode,
    scanner_tickers: [...v.scanner_tickers, ...words(v.new_tickers).map((t) => t.toUpperCase())],
    config: {
      steps: v.steps.map((s) => ({
        id: s.id.trim(),
        agent: s.agent,
        params: Object.fromEntries(
          paramFields(s.agent)
            .map((f) => [f.name, paramValue(f, s.params[f.name])] as const)
            .filter(([, value]) => value !== undefined),
        ),
      })),
    },
    is_active: v.is_active,
    schedule: !periodic
      ? null
      : v.schedule_kind === "cron"
      ? { cron: v.cron }
      : { every_seconds: numberOr(v.every_seconds) },
    overlap_policy: v.overlap_policy,
    signal_filter: periodic || Object.keys(signalFilter).length === 0 ? null : signalFilter,
    max_signal_age_seconds: periodic ? null : numberOr(v.max_signal_age_seconds),
    listen_to: periodic ? null : listenBody(v.listen),
    max_attempts: numberOr(v.max_attempts),
  };
}

/** Where an issue of the body schema shows: the input it is about. */
export function fieldOf(path: string, steps: StepValues[]): string {
  const parts = path.split(".");
  const [head, second] = parts;
  if (head === "schedule") return parts[1] === "cron" ? "cron" : "every_seconds";
  if (head === "signal_filter") {
    return second === "signals"
      ? "signal_types"
      : second === "scanners"
      ? "scanners"
      : "min_confidence";
  }
  if (head === "config" && parts[1] === "steps" && parts[2] !== undefined) {
    const step = steps[Number(parts[2])];
    if (!step) return "steps";
    if (parts[3] === "params" && parts[4]) return `step.${step.key}.param.${parts[4]}`;
    if (parts[3] === "params") return `step.${step.key}.params`;
    return `step.${step.key}.${parts[3] === "agent" ? "agent" : "id"}`;
  }
  if (head === "config") return "steps";
  if (head === "listen_to") return listenFieldOf(parts.slice(1));
  if (
    head &&
    [
      "name",
      "description",
      "trigger_mode",
      "scanner_tickers",
      "overlap_policy",
      "max_signal_age_seconds",
      "max_attempts",
      "is_active",
    ].includes(head)
  ) return head;
  return "form";
}

/** Parses the values with `schema`: the body, or the errors by field (first per field). */
export function parseValues(
  schema: z.ZodType<PipelineBody, unknown>,
  values: PipelineFormValues,
): { ok: true; body: PipelineBody } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(bodyFromValues(values));
  if (parsed.success) return { ok: true, body: parsed.data };
  const errors: FieldErrors = {};
  for (const detail of zodDetails(parsed.error.issues)) {
    const field = fieldOf(detail.path, values.steps);
    errors[field] ??= field === "form" ? `${detail.path} ${detail.message}` : detail.message;
  }
  return { ok: false, errors };
}
