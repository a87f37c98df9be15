/**
 * `rule`: continues only when a boolean expression over the signal and earlier outputs is true;
 * false ends the run as skipped by the rule. Expressions use `and`, `or`, `not`, comparisons
 * (`== != < <= > >=`), `+ - * /`, numbers, strings, `true`/`false`/`null`, parentheses and
 * dotted paths (`signal.confidence`, `<step id>.<field>`). Parsed, never passed to eval.
 *
 * @example {"id": "entry", "agent": "rule", "params": {"expression": "signal.confidence >= 70 and indicators.rsi14 < 65"}}
 */
import { z } from "../zod.ts";
import { defineAgent } from "./agent.ts";
import { NonRetryableError } from "./errors.ts";
import { evaluateRule } from "../rules/evaluate_rule.ts";
import { parseRule } from "../rules/rule_parser.ts";
import { falseClause } from "../rules/explain_rule.ts";
import { ruleExpressionSchema } from "../rules/rule_expression.ts";
import { runScope } from "../rules/path.ts";

export const ruleParams = z.object({ expression: ruleExpressionSchema }).strict();

export const ruleAgent = defineAgent({
  name: "rule",
  description: "Continues only when an expression over the signal and earlier outputs is true",
  params: ruleParams,
  run(params, ctx) {
    let passed: boolean;
    let clause = "";
    try {
      const rule = parseRule(params.expression);
      const scope = runScope(ctx.signal, ctx.outputs);
      passed = evaluateRule(rule, scope);
      if (!passed) clause = falseClause(rule, scope);
    } catch (cause) {
      return Promise.reject(
        new NonRetryableError(
          `Rule "${params.expression}" cannot be evaluated: ${(cause as Error).message}`,
          { cause },
        ),
      );
    }
    if (passed) return Promise.resolve({ output: { passed, expression: params.expression } });
    const output = { passed, expression: params.expression, false_clause: clause };
    return Promise.resolve({ output, halt: { reason: `Rule is false: ${clause}` } });
  },
});
