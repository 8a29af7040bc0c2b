/**
 * The filter expression grammar (keywords and operators case-insensitive):
 *
 * ```
 * expr       := term ('or' term)*
 * term       := factor ('and' factor)*
 * factor     := 'not' factor | '(' expr ')' | comparison
 * comparison := field op value
 *             | field 'in' '(' value (',' value)* ')'
 *             | field 'isNull' ['true' | 'false']
 * op         := eq | ne | gt | gte | lt | lte | contains | startsWith
 * value      := 'single-quoted string' | number | true | false | null
 * field      := name ('.' name)*
 * ```
 *
 * The parser only builds the tree; {@link ./filter.ts} checks names, operators and
 * values against the view. Limits keep the work small: see {@link FILTER_LIMITS}.
 */
import type { FilterOperator } from '../binding.js';
import { tokenize, type Token } from './lexer.js';
import { badOperator, quote, syntaxError } from './fail.js';
import type { RawValue } from './values.js';

/** The bounds of a filter expression; over any of them, a `BURROW_ERR_QUERY_SYNTAX` says which. */
export const FILTER_LIMITS = {
  /** Characters of the expression. */
  length: 2000,
  /** Parentheses and `not`s nested in each other. */
  depth: 16,
  /** Comparisons in the expression. */
  comparisons: 50,
  /** Values of one `in (...)`. */
  inValues: 100,
} as const;

/** One comparison of a field. */
export interface Comparison {
  kind: 'cmp';
  /** The field as written (`due`, `project.name`). */
  field: string;
  op: FilterOperator;
  /** The value of `eq`..`startsWith`. */
  value?: RawValue;
  /** The values of `in`. */
  values?: RawValue[];
  /** `isNull` (true) or `isNull false`. */
  isNull?: boolean;
}

/** A parsed filter expression. */
export type FilterNode = { kind: 'and' | 'or'; items: FilterNode[] } | { kind: 'not'; item: FilterNode } | Comparison;

/** The binary operators, by their lower-case spelling. */
const BINARY = new Map<string, FilterOperator>([
  ['eq', 'eq'],
  ['ne', 'ne'],
  ['gt', 'gt'],
  ['gte', 'gte'],
  ['lt', 'lt'],
  ['lte', 'lte'],
  ['contains', 'contains'],
  ['startswith', 'startsWith'],
]);

/** Every operator, as messages list them. */
export const ALL_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'startsWith', 'isNull'];

/**
 * Parses a filter expression.
 *
 * @throws BurrowError `BURROW_ERR_QUERY_SYNTAX` (malformed, or over a limit) or
 * `BURROW_ERR_QUERY_OPERATOR_UNKNOWN` (a name in the place of an operator that is none), naming `param`.
 */
export function parseFilter(source: string, param: string): FilterNode {
  if (source.length > FILTER_LIMITS.length) {
    throw syntaxError(param, `the expression is ${source.length} characters long; the most is ${FILTER_LIMITS.length}`);
  }
  const tokens = tokenize(source, param);
  let at = 0;
  let comparisons = 0;
  const peek = (): Token => tokens[at];
  const next = (): Token => tokens[at++];
  const isWord = (token: Token, word: string): boolean => token.type === 'name' && token.text.toLowerCase() === word;
  const where = (token: Token): string => (token.type === 'end' ? 'at the end' : `at position ${token.pos + 1}`);
  const show = (token: Token): string => {
    switch (token.type) {
      case 'end':
        return 'the end';
      case 'name':
      case 'number':
        return quote(token.text);
      case 'string':
        return `the string ${quote(token.text)}`;
      default:
        return `"${token.type}"`;
    }
  };
  const expect = (type: ')' | '(' , after: string): void => {
    const token = next();
    if (token.type !== type) throw syntaxError(param, `expected "${type}" ${after}, found ${show(token)} ${where(token)}`);
  };
  const deeper = (depth: number, token: Token): number => {
    if (depth + 1 > FILTER_LIMITS.depth) throw syntaxError(param, `the expression nests deeper than ${FILTER_LIMITS.depth} levels ${where(token)}`);
    return depth + 1;
  };

  const expr = (depth: number): FilterNode => {
    const items = [term(depth)];
    while (isWord(peek(), 'or')) {
      next();
      items.push(term(depth));
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const term = (depth: number): FilterNode => {
    const items = [factor(depth)];
    while (isWord(peek(), 'and')) {
      next();
      items.push(factor(depth));
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const factor = (depth: number): FilterNode => {
    const token = peek();
    if (isWord(token, 'not')) {
      const inner = deeper(depth, token);
      next();
      return { kind: 'not', item: factor(inner) };
    }
    if (token.type === '(') {
      const inner = deeper(depth, token);
      next();
      const node = expr(inner);
      expect(')', `to close the "(" at position ${token.pos + 1}`);
      return node;
    }
    if (token.type === 'name' && !isWord(token, 'and') && !isWord(token, 'or')) return comparison();
    throw syntaxError(param, `expected a field name, "not" or "(", found ${show(token)} ${where(token)}`);
  };
  const comparison = (): Comparison => {
    const field = next() as Extract<Token, { type: 'name' }>;
    if (++comparisons > FILTER_LIMITS.comparisons) {
      throw syntaxError(param, `the expression holds more than ${FILTER_LIMITS.comparisons} comparisons`);
    }
    const opToken = next();
    if (opToken.type !== 'name') throw syntaxError(param, `expected an operator after ${quote(field.text)}, found ${show(opToken)} ${where(opToken)}`);
    const word = opToken.text.toLowerCase();
    if (word === 'in') {
      expect('(', `after "in" at position ${opToken.pos + 1}`);
      const values = [value('in')];
      while (peek().type === ',') {
        next();
        values.push(value('in'));
        if (values.length > FILTER_LIMITS.inValues) {
          throw syntaxError(param, `the "in" at position ${opToken.pos + 1} lists more than ${FILTER_LIMITS.inValues} values`);
        }
      }
      expect(')', `to close the list of "in" at position ${opToken.pos + 1}`);
      return { kind: 'cmp', field: field.text, op: 'in', values };
    }
    if (word === 'isnull') {
      const flag = peek();
      const isNull = isWord(flag, 'false') ? false : true;
      if (isWord(flag, 'true') || isWord(flag, 'false')) next();
      return { kind: 'cmp', field: field.text, op: 'isNull', isNull };
    }
    const op = BINARY.get(word);
    if (!op) throw badOperator(param, opToken.text, 'is not an operator', ALL_OPERATORS);
    return { kind: 'cmp', field: field.text, op, value: value(op) };
  };
  const value = (op: string): RawValue => {
    const token = next();
    if (token.type === 'string') return { kind: 'string', text: token.text };
    if (token.type === 'number') return { kind: 'number', text: token.text };
    if (isWord(token, 'true')) return { kind: 'boolean', value: true };
    if (isWord(token, 'false')) return { kind: 'boolean', value: false };
    if (isWord(token, 'null')) return { kind: 'null' };
    throw syntaxError(param, `expected a value after "${op}" (a 'quoted string', a number, true, false or null), found ${show(token)} ${where(token)}`);
  };

  const root = expr(0);
  const rest = peek();
  if (rest.type !== 'end') {
    throw syntaxError(param, `unexpected ${show(rest)} ${where(rest)}${rest.type === ')' ? ' (no "(" to close)' : '; join comparisons with and / or'}`);
  }
  return root;
}
