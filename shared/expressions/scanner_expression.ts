/**
 * Scanner expressions: a declarative language over daily bars, parsed by the rule parser (with
 * function calls enabled) and checked here before anything runs. Nothing a user writes is ever
 * executed as code; the checked tree is evaluated over whole series by
 * {@linkcode evaluateExpression} (preview, replay), or over the last bars only by
 * {@linkcode evaluateTail} (the live generator).
 *
 * `crossover(sma(close, 50), sma(close, 200))`, `rsi(close, 14) crosses below 70`,
 * `close > bollinger_upper(close, 20, 2) and volume > sma(volume, 20) * 1.5`.
 *
 * An expression fires on every bar where it is true. Costs are capped: at most
 * {@linkcode MAX_EXPRESSION_NODES} nodes, periods up to {@linkcode MAX_PERIOD}, and a summed
 * per-bar cost (a window of N bars costs N) of at most {@linkcode MAX_COST_PER_BAR}.
 */
import type { Bar, PriceColumn } from "../market/bar.ts";
import { compareValues } from "../rules/compare_values.ts";
import { parseRule, type RuleNode } from "../rules/rule_parser.ts";
import {
  type Arg,
  type BooleanSeries,
  type NumberSeries,
  SERIES_FUNCTIONS,
  SERIES_NAMES,
} from "./series_functions.ts";

/** Most nodes in one expression. */
export const MAX_EXPRESSION_NODES = 100;
/** Longest period (bars) any function may take. */
export const MAX_PERIOD = 1000;
/** Most work per bar one expression may cost. */
export const MAX_COST_PER_BAR = 5000;

/** A checked expression, ready to evaluate. */
export interface CompiledExpression {
  source: string;
  tree: RuleNode;
  /** Work per bar, the capped quantity. */
  cost: number;
}

type Checked = { type: "number" | "boolean"; constant?: number; cost: number; nodes: number };

/** Parses and checks `source`; throws a SyntaxError naming the column and the problem. */
export function compileExpression(source: string): CompiledExpression {
  const tree = parseRule(source, {
    functions: Object.keys(SERIES_FUNCTIONS),
    what: "expression",
  });
  const checked = check(tree);
  if (checked.type !== "boolean") {
    throw new SyntaxError(
      'Cannot use expression: it is a number, not a condition (compare it, e.g. "... > 0")',
    );
  }
  if (checked.nodes > MAX_EXPRESSION_NODES) {
    throw new SyntaxError(
      `Cannot use expression: ${checked.nodes} terms, more than ${MAX_EXPRESSION_NODES}`,
    );
  }
  if (checked.cost > MAX_COST_PER_BAR) {
    throw new SyntaxError(
      `Cannot use expression: it costs ${checked.cost} per bar, more than ${MAX_COST_PER_BAR}`,
    );
  }
  return { source, tree, cost: checked.cost };
}

const fail = (column: number, message: string): never => {
  throw new SyntaxError(`Cannot use expression at column ${column}: ${message}`);
};

function check(node: RuleNode): Checked {
  switch (node.kind) {
    case "literal":
      if (typeof node.value === "number") {
        return { type: "number", constant: node.value, cost: 0, nodes: 1 };
      }
      if (typeof node.value === "boolean") return { type: "boolean", cost: 0, nodes: 1 };
      throw new SyntaxError(
        `Cannot use expression: ${JSON.stringify(node.value)} is not a number or true/false`,
      );
    case "path": {
      const name = node.path.join(".");
      if (!(SERIES_NAMES as readonly string[]).includes(name)) {
        fail(node.column, `unknown name "${name}"; expected one of ${SERIES_NAMES.join(", ")}`);
      }
      return { type: "number", cost: 0, nodes: 1 };
    }
    case "not":
    case "negate": {
      const operand = check(node.operand);
      const wanted = node.kind === "not" ? "boolean" : "number";
      if (operand.type !== wanted) {
        fail(node.column, `"${node.kind === "not" ? "not" : "-"}" needs a ${wanted}`);
      }
      const constant = node.kind === "negate" && operand.constant !== undefined
        ? { constant: -operand.constant }
        : {};
      return { ...operand, ...constant, nodes: operand.nodes + 1 };
    }
    case "logical":
    case "compare":
    case "arith": {
      const left = check(node.left);
      const right = check(node.right);
      const wanted = node.kind === "logical" ? "boolean" : "number";
      for (const side of [left, right]) {
        if (side.type !== wanted) fail(node.column, `"${node.op}" needs ${wanted}s on both sides`);
      }
      return {
        type: node.kind === "arith" ? "number" : "boolean",
        cost: left.cost + right.cost + 1,
        nodes: left.nodes + right.nodes + 1,
      };
    }
    case "call":
      return checkCall(node);
  }
}

function checkCall(node: Extract<RuleNode, { kind: "call" }>): Checked {
  const fn = SERIES_FUNCTIONS[node.name]!;
  const signature = `${node.name}(${
    fn.params.map((p) => (p.default === undefined ? p.name : `${p.name}=${p.default}`)).join(", ")
  })`;
  const required = fn.params.filter((p) => p.default === undefined).length;
  if (node.args.length < required || node.args.length > fn.params.length) {
    fail(
      node.column,
      `${signature} takes ${
        required === fn.params.length ? required : `${required} to ${fn.params.length}`
      } arguments, got ${node.args.length}`,
    );
  }
  const constants: Record<string, number> = {};
  let cost = 0;
  let nodes = 1;
  node.args.forEach((arg, i) => {
    const param = fn.params[i]!;
    const checked = check(arg);
    cost += checked.cost;
    nodes += checked.nodes;
    if (checked.type !== "number") {
      fail(
        node.column,
        `argument "${param.name}" of ${signature} must be a number, not a condition`,
      );
    }
    if (param.kind === "series") return;
    if (checked.constant === undefined) {
      fail(node.column, `argument "${param.name}" of ${signature} must be a constant number`);
    }
    const value = checked.constant!;
    if (param.kind === "period" && (!Number.isInteger(value) || value < 1 || value > MAX_PERIOD)) {
      fail(
        node.column,
        `argument "${param.name}" of ${signature} must be a whole number from 1 to ${MAX_PERIOD}, not ${value}`,
      );
    }
    constants[param.name] = value;
  });
  if (node.name.startsWith("macd_") && (constants.fast ?? 12) >= (constants.slow ?? 26)) {
    fail(node.column, `${signature}: fast must be less than slow`);
  }
  return { type: fn.returns, cost: cost + fn.cost(constants), nodes };
}

type Value = NumberSeries | BooleanSeries | number | boolean;

/**
 * The bars (oldest first) where `expression` is true. `close` reads `priceColumn` (default
 * close), so `--price-column adj_close` works as it does for the built-in scanners.
 */
export function evaluateExpression(
  expression: CompiledExpression,
  bars: readonly Bar[],
  priceColumn: PriceColumn = "close",
): BooleanSeries {
  return evaluateTail(expression, bars, bars.length, priceColumn);
}

/**
 * The expression's truth on the last `count` bars only (the live generator asks for 1), each
 * function computed over no more bars than those values need: its own lookback
 * (`SeriesFunction.lookback`) before them, or the whole history for the recursive ones (EMA,
 * RSI, MACD, ATR) and crossings, whose last value depends on all of it. So a window function
 * costs its period once per bar asked for, not once per bar of the history; the values are
 * those of {@linkcode evaluateExpression} at the same bars.
 */
export function evaluateTail(
  expression: CompiledExpression,
  bars: readonly Bar[],
  count: number,
  priceColumn: PriceColumn = "close",
): BooleanSeries {
  const evaluate = (node: RuleNode, need: number): Value => {
    const broadcast = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : new Array(need).fill(v));
    switch (node.kind) {
      case "literal":
        return node.value as number | boolean;
      case "path": {
        const field = node.path[0] === "close" ? priceColumn : node.path[0] as keyof Bar;
        return bars.slice(bars.length - need).map((b) => b[field] as number);
      }
      case "not":
        return broadcast(evaluate(node.operand, need) as boolean | boolean[]).map((v) => !v);
      case "negate":
        return broadcast(evaluate(node.operand, need) as number | NumberSeries).map((v) =>
          v == null ? null : -v
        );
      case "logical": {
        const left = broadcast(evaluate(node.left, need) as boolean | boolean[]);
        const right = broadcast(evaluate(node.right, need) as boolean | boolean[]);
        return left.map((l, i) => (node.op === "and" ? l && right[i]! : l || right[i]!));
      }
      case "compare": {
        const left = broadcast(evaluate(node.left, need) as number | NumberSeries);
        const right = broadcast(evaluate(node.right, need) as number | NumberSeries);
        return left.map((l, i) => compareValues(node.op, l, right[i] ?? null));
      }
      case "arith": {
        const left = broadcast(evaluate(node.left, need) as number | NumberSeries);
        const right = broadcast(evaluate(node.right, need) as number | NumberSeries);
        return left.map((l, i) => arithmetic(node.op, l, right[i] ?? null));
      }
      case "call": {
        const fn = SERIES_FUNCTIONS[node.name]!;
        // Constants first: they decide how many bars the series arguments need.
        const constants: Record<string, number> = {};
        fn.params.forEach((param, i) => {
          const arg = node.args[i];
          if (param.kind !== "series") {
            const value = arg === undefined ? param.default! : evaluate(arg, 1);
            // A negated constant evaluates to a one-bar series.
            constants[param.name] = (Array.isArray(value) ? value[0] : value) as number;
          }
        });
        const lookback = fn.lookback?.(constants);
        const inner = lookback === undefined ? bars.length : Math.min(bars.length, need + lookback);
        const innerBroadcast = <T>(v: T | T[]): T[] =>
          Array.isArray(v) ? v : new Array(inner).fill(v);
        const args: Arg[] = fn.params.map((param, i) => {
          const arg = node.args[i];
          if (param.kind !== "series") return constants[param.name]!;
          return innerBroadcast(evaluate(arg!, inner) as number | NumberSeries);
        });
        const out = fn.apply(args, bars.slice(bars.length - inner));
        return out.slice(out.length - need) as NumberSeries | BooleanSeries;
      }
    }
  };
  const length = Math.max(0, Math.min(count, bars.length));
  const result = evaluate(expression.tree, length) as boolean | boolean[];
  return Array.isArray(result) ? result : new Array(length).fill(result);
}

function arithmetic(op: string, left: number | null, right: number | null): number | null {
  if (left === null || right === null || (op === "/" && right === 0)) return null;
  return op === "+"
    ? left + right
    : op === "-"
    ? left - right
    : op === "*"
    ? left * right
    : left / right;
}
