/**
 * The step editor's inputs for an agent, derived from the agent's own params schema (its JSON
 * Schema), so a new agent gets a form without UI code: flat strings, numbers, booleans and enums
 * become inputs; anything nested becomes a JSON field.
 */
import { z } from "zod";
import { agentRegistry } from "../../../../shared/agents/registry.ts";

/** One parameter input. */
export interface ParamField {
  name: string;
  kind: "string" | "number" | "boolean" | "enum" | "json";
  required: boolean;
  options?: string[];
  /** The schema's default, as text (shown as placeholder). */
  placeholder?: string;
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const cache = new Map<string, ParamField[]>();

/** The inputs of `agent`'s params; empty for an unknown agent. */
export function paramFields(agent: string): ParamField[] {
  const cached = cache.get(agent);
  if (cached) return cached;
  const found = agentRegistry.get(agent);
  if (!found) return [];
  const schema = z.toJSONSchema(found.params, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, prop]): ParamField => {
    const base = {
      name,
      required: required.has(name),
      ...(prop.default === undefined ? {} : {
        placeholder: typeof prop.default === "string" ? prop.default : JSON.stringify(prop.default),
      }),
    };
    if (prop.enum && prop.enum.every((v) => typeof v === "string")) {
      return { ...base, kind: "enum", options: prop.enum as string[] };
    }
    if (prop.type === "string") return { ...base, kind: "string" };
    if (prop.type === "number" || prop.type === "integer") return { ...base, kind: "number" };
    if (prop.type === "boolean") return { ...base, kind: "boolean" };
    return { ...base, kind: "json" };
  });
  cache.set(agent, fields);
  return fields;
}

/** Registered agents: name and one-line description, in registry order. */
export function agentChoices(): { name: string; description: string }[] {
  return [...agentRegistry.values()].map((a) => ({ name: a.name, description: a.description }));
}

/** A param's typed text back to its value; undefined when empty (the default applies). */
export function paramValue(field: ParamField, text: string | undefined): unknown {
  if (field.kind === "boolean") return text === "on" || text === "true";
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return undefined;
  if (field.kind === "number") {
    const n = Number(trimmed);
    return Number.isFinite(n) ? n : trimmed;
  }
  if (field.kind === "json") {
    try {
      return JSON.parse(trimmed);
    } catch {
      return trimmed;
    }
  }
  return trimmed;
}

/** A stored param value as the text its input shows. */
export function paramText(field: ParamField, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "json" || typeof value === "object") return JSON.stringify(value);
  return String(value);
}
