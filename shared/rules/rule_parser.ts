/**
 * A tokenizer and recursive-descent parser for rule expressions such as
 * `signal.confidence >= 70 and indicators.rsi14 < 65`. Nothing is evaluated here and nothing is
 * ever passed to `eval`: the result is a tree that {@linkcode evaluateRule} walks.
 *
 * Grammar (lowest precedence first):
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | compare
 *   compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := number | string | true | false | null | call | path | "(" or ")"
 *   call    := name "(" (or ("," or)*)? ")"       only names in `functions` (see ParseOptions)
 *
 * and, where `crossover`/`crossunder` are functions, `a crosses above b` for `crossover(a, b)`
 * and `a crosses below b` for `crossunder(a, b)` at the comparison level.
 */

/** Comparison operators. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
/** Arithmetic operators. */
export type ArithOp = "+" | "-" | "*" | "/";

/** A parsed rule. `column` is 1-based, for error messages. */
export type RuleNode =
  | { kind: "literal"; value: number | string | boolean | null }
  | { kind: "path"; path: string[]; column: number }
  | { kind: "not" | "negate"; operand: RuleNode; column: number }
  | { kind: "logical"; op: "and" | "or"; left: RuleNode; right: RuleNode; column: number }
  | { kind: "compare"; op: CompareOp; left: RuleNode; right: RuleNode; column: number }
  | { kind: "arith"; op: ArithOp; left: RuleNode; right: RuleNode; column: number }
  | { kind: "call"; name: string; args: RuleNode[]; column: number };

/** Options of {@linkcode parseRule}. */
export interface ParseOptions {
  /** Function names calls may use; default none (a rule calls no functions). */
  functions?: readonly string[];
  /** What the source is called in error messages; default "rule". */
  what?: string;
}

type Token =
  | { type: "number"; value: number; column: number; text: string }
  | { type: "string"; value: string; column: number; text: string }
  | { type: "path"; path: string[]; column: number; text: string }
  | { type: "op"; text: string; column: number }
  | { type: "end"; column: number; text: string };

/** Longest rule accepted, in characters. */
export const MAX_RULE_LENGTH = 2000;

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">", "(", ")", "+", "-", "*", "/", ","];
const WORDS = new Set(["and", "or", "not", "true", "false", "null"]);
const HINTS: Record<string, string> = { "=": '"=="', "!": '"not"', "&": '"and"', "|": '"or"' };

/** Parses `source`; throws a SyntaxError naming the column and what was found. */
export function parseRule(source: string, options: ParseOptions = {}): RuleNode {
  const what = options.what ?? "rule";
  const functions = options.functions ?? [];
  if (source.length > MAX_RULE_LENGTH) {
    throw new SyntaxError(`Cannot parse ${what}: longer than ${MAX_RULE_LENGTH} characters`);
  }
  const tokens = tokenize(source, what);
  let index = 0;
  const peek = () => tokens[index]!;
  const isOp = (...ops: string[]) => peek().type === "op" && ops.includes(peek().text);
  const fail = (expected: string): never => {
    const t = peek();
    const found = t.type === "end" ? "the end" : `"${t.text}"`;
    throw new SyntaxError(
      `Cannot parse ${what} at column ${t.column}: expected ${expected}, found ${found}`,
    );
  };
  const isWord = (offset: number, ...words: string[]) => {
    const t = tokens[index + offset];
    return t?.type === "path" && t.path.length === 1 && words.includes(t.path[0]!);
  };
  const call = (name: string, column: number, args: RuleNode[]): RuleNode => {
    if (!functions.includes(name)) {
      const known = functions.length > 0
        ? `; expected one of ${functions.join(", ")}`
        : " (rules call no functions)";
      throw new SyntaxError(
        `Cannot parse ${what} at column ${column}: unknown function "${name}"${known}`,
      );
    }
    return { kind: "call", name, args, column };
  };

  const binary = <K extends "logical" | "compare" | "arith">(
    kind: K,
    ops: string[],
    next: () => RuleNode,
    once = false,
  ): RuleNode => {
    let left = next();
    while (isOp(...ops)) {
      const { text: op, column } = tokens[index++]!;
      left = { kind, op, left, right: next(), column } as RuleNode;
      if (once) break;
    }
    return left;
  };
  const or = (): RuleNode => binary("logical", ["or"], and);
  const and = (): RuleNode => binary("logical", ["and"], not);
  const not = (): RuleNode => {
    if (!isOp("not")) return compare();
    const { column } = tokens[index++]!;
    return { kind: "not", operand: not(), column };
  };
  const compare = (): RuleNode => {
    const left = binary("compare", ["==", "!=", "<", "<=", ">", ">="], sum, true);
    if (left.kind === "compare" || !isWord(0, "crosses")) return left;
    const { column } = tokens[index++]!;
    if (!isWord(0, "above", "below")) fail('"above" or "below" after "crosses"');
    const direction = (tokens[index++] as { path: string[] }).path[0];
    return call(direction === "above" ? "crossover" : "crossunder", column, [left, sum()]);
  };
  const sum = (): RuleNode => binary("arith", ["+", "-"], product);
  const product = (): RuleNode => binary("arith", ["*", "/"], unary);
  const unary = (): RuleNode => {
    if (!isOp("-")) return primary();
    const { column } = tokens[index++]!;
    return { kind: "negate", operand: unary(), column };
  };
  const primary = (): RuleNode => {
    const t = peek();
    if (t.type === "number" || t.type === "string") {
      index++;
      return { kind: "literal", value: t.value };
    }
    if (t.type === "path") {
      index++;
      if (!isOp("(")) return { kind: "path", path: t.path, column: t.column };
      if (t.path.length > 1) {
        throw new SyntaxError(
          `Cannot parse ${what} at column ${t.column}: "${t.text}" is not a function name`,
        );
      }
      index++;
      const args: RuleNode[] = [];
      if (!isOp(")")) {
        args.push(or());
        while (isOp(",")) {
          index++;
          args.push(or());
        }
      }
      if (!isOp(")")) fail('"," or ")"');
      index++;
      return call(t.text, t.column, args);
    }
    if (isOp("true", "false", "null")) {
      index++;
      return { kind: "literal", value: t.text === "null" ? null : t.text === "true" };
    }
    if (isOp("(")) {
      index++;
      const inner = or();
      if (!isOp(")")) fail('")"');
      index++;
      return inner;
    }
    return fail('a number, string, true, false, null, a path or "("');
  };

  if (peek().type === "end") fail("an expression");
  const tree = or();
  if (peek().type !== "end") fail('"and", "or" or an operator');
  return tree;
}

function tokenize(source: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: "number", value: Number(number[0]), column, text: number[0] });
      i += number[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) {
        throw new SyntaxError(`Cannot parse ${what} at column ${column}: string is not closed`);
      }
      const text = source.slice(i, end + 1);
      tokens.push({ type: "string", value: text.slice(1, -1), column, text });
      i = end + 1;
      continue;
    }
    const path = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/.exec(source.slice(i));
    if (path) {
      const text = path[0];
      if (source[i + text.length] === ".") {
        throw new SyntaxError(
          `Cannot parse ${what} at column ${
            column + text.length
          }: expected a name after "${text}."`,
        );
      }
      tokens.push(
        WORDS.has(text)
          ? { type: "op", text, column }
          : { type: "path", path: text.split("."), column, text },
      );
      i += text.length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) {
      const hint = HINTS[ch] ? `; use ${HINTS[ch]}` : "";
      throw new SyntaxError(`Cannot parse ${what} at column ${column}: unexpected "${ch}"${hint}`);
    }
    tokens.push({ type: "op", text: op, column });
    i += op.length;
  }
  tokens.push({ type: "end", column: source.length + 1, text: "" });
  return tokens;
}
