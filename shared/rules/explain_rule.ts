/**
 * Why a rule is false, pure: the smallest clause that decides it (the false side of an `and`,
 * recursively; a whole `or`, `not` or comparison otherwise), printed back as text with the values
 * its paths had, e.g. `indicators.rsi14 < 70 (indicators.rsi14 = 74.2)`.
 */
import { evaluateRule } from "./evaluate_rule.ts";
import { resolvePath } from "./path.ts";
import type { RuleNode } from "./rule_parser.ts";

/** The clause of `rule` that is false under `scope`, with the values of its paths. */
export function falseClause(rule: RuleNode, scope: unknown): string {
  let node = rule;
  while (node.kind === "logical" && node.op === "and") {
    node = evaluateRule(node.left, scope) ? node.right : node.left;
  }
  const values = [...new Set(pathsOf(node))].flatMap((path) => {
    try {
      return [`${path} = ${JSON.stringify(resolvePath(scope, path))}`];
    } catch {
      return [];
    }
  });
  return values.length ? `${printRule(node)} (${values.join(", ")})` : printRule(node);
}

/** A parsed rule as text, with parentheses only where precedence needs them. */
export function printRule(node: RuleNode): string {
  switch (node.kind) {
    case "literal":
      return typeof node.value === "string" ? JSON.stringify(node.value) : String(node.value);
    case "path":
      return node.path.join(".");
    case "not":
      return `not ${wrap(node.operand, precedence(node))}`;
    case "negate":
      return `-${wrap(node.operand, precedence(node))}`;
    case "call":
      return `${node.name}(${node.args.map(printRule).join(", ")})`;
    default: {
      const own = precedence(node);
      // a - (b - c): the right operand of the same level keeps its parentheses.
      return `${wrap(node.left, own)} ${node.op} ${wrap(node.right, own + 0.5)}`;
    }
  }
}

function precedence(node: RuleNode): number {
  switch (node.kind) {
    case "logical":
      return node.op === "or" ? 1 : 2;
    case "not":
      return 3;
    case "compare":
      return 4;
    case "arith":
      return node.op === "+" || node.op === "-" ? 5 : 6;
    case "negate":
      return 7;
    default:
      return 8;
  }
}

function wrap(node: RuleNode, parent: number): string {
  return precedence(node) < parent ? `(${printRule(node)})` : printRule(node);
}

function pathsOf(node: RuleNode): string[] {
  switch (node.kind) {
    case "literal":
      return [];
    case "path":
      return [node.path.join(".")];
    case "not":
    case "negate":
      return pathsOf(node.operand);
    case "call":
      return node.args.flatMap(pathsOf);
    default:
      return [...pathsOf(node.left), ...pathsOf(node.right)];
  }
}
