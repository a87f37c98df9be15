/** A rule expression as configs carry it (the `rule` agent, a step's `when`): parsed to be kept. */
import { z } from "../zod.ts";
import { MAX_RULE_LENGTH, parseRule } from "./rule_parser.ts";

/** A string that {@linkcode parseRule} accepts; the parser's message otherwise. */
export const ruleExpressionSchema = z.string().min(1).max(MAX_RULE_LENGTH).superRefine(
  (source, ctx) => {
    try {
      parseRule(source);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  },
);
