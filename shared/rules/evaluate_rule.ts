/**
 * Evaluates a parsed rule against a scope (`signal` and earlier step outputs). Types are strict:
 * `and`/`or`/`not` take booleans, arithmetic takes numbers, ordering compares two numbers or two
 * strings. A null (e.g. an indicator without enough history) makes ordering false and arithmetic
 * null, so a rule over missing data says no rather than failing.
 */
import { compareValues } from "./compare_values.ts";
import { resolvePath } from "./path.ts";
import type { RuleNode } from "./rule_parser.ts";

type Value = number | string | boolean | null;

/** The rule's truth; throws a TypeError naming the column when types don't fit. */
export function evaluateRule(rule: RuleNode, scope: unknown): boolean {
  const result = evaluate(rule, scope);
  if (typeof result !== "boolean") {
    throw new TypeError(`Rule must be true or false, but it is ${describe(result)}`);
  }
  return result;
}

function evaluate(node: RuleNode, scope: unknown): Value {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "path": {
      const value = resolvePath(scope, node.path);
      if (value !== null && typeof value === "object") {
        throw new TypeError(
          `Rule path "${node.path.join(".")}" at column ${node.column} is an object, not a value`,
        );
      }
      return value as Value;
    }
    case "not":
      return !boolean(evaluate(node.operand, scope), "not", node.column);
    case "negate": {
      const value = number(evaluate(node.operand, scope), "-", node.column);
      return value === null ? null : -value;
    }
    case "logical": {
      const left = boolean(evaluate(node.left, scope), node.op, node.column);
      if (node.op === "and" ? !left : left) return left;
      return boolean(evaluate(node.right, scope), node.op, node.column);
    }
    case "compare":
      return compare(node.op, evaluate(node.left, scope), evaluate(node.right, scope), node.column);
    case "arith": {
      const left = number(evaluate(node.left, scope), node.op, node.column);
      const right = number(evaluate(node.right, scope), node.op, node.column);
      if (left === null || right === null) return null;
      if (node.op === "/" && right === 0) return null;
      return node.op === "+"
        ? left + right
        : node.op === "-"
        ? left - right
        : node.op === "*"
        ? left * right
        : left / right;
    }
    case "call":
      // parseRule refuses calls unless given functions; rules are parsed without any.
      throw new TypeError(`Rule function "${node.name}" at column ${node.column} is not available`);
  }
}

function compare(op: string, left: Value, right: Value, column: number): boolean {
  const ordered = op !== "==" && op !== "!=" && left !== null && right !== null;
  const comparable = (typeof left === "number" && typeof right === "number") ||
    (typeof left === "string" && typeof right === "string");
  if (ordered && !comparable) {
    throw new TypeError(
      `Rule operator "${op}" at column ${column} compares ${describe(left)} with ${
        describe(right)
      }; both sides must be numbers or both strings`,
    );
  }
  return compareValues(op, left, right);
}

function boolean(value: Value, op: string, column: number): boolean {
  if (typeof value === "boolean") return value;
  throw new TypeError(
    `Rule operator "${op}" at column ${column} needs true or false, but got ${describe(value)}`,
  );
}

function number(value: Value, op: string, column: number): number | null {
  if (value === null || typeof value === "number") return value;
  throw new TypeError(
    `Rule operator "${op}" at column ${column} needs a number, but got ${describe(value)}`,
  );
}

function describe(value: Value): string {
  return value === null ? "null" : `${typeof value} ${JSON.stringify(value)}`;
}
