/** The 400s of a list query: one helper per code, each naming the parameter at fault. */
import type { BurrowError } from 'burrowjs';
import { resourceErrors } from '../errors.js';

/** Longest excerpt of client text quoted back in a detail. */
const QUOTE_MAX = 60;

/** Client text as a detail quotes it: shortened, control characters escaped. */
export function quote(text: string): string {
  const short = text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
  return JSON.stringify(short);
}

/** `BURROW_ERR_QUERY_SYNTAX`: the parameter does not parse. */
export function syntaxError(param: string, reason: string): BurrowError {
  return resourceErrors.create('BURROW_ERR_QUERY_SYNTAX', { param, reason });
}

/** `BURROW_ERR_QUERY_FIELD_UNKNOWN`: a name that is not a field the parameter may `use` (`filter on`, `sort on`, `select`, `include`). */
export function unknownField(param: string, field: string, use: string, fields: readonly string[]): BurrowError {
  return resourceErrors.create('BURROW_ERR_QUERY_FIELD_UNKNOWN', { param, field: quote(field), use, fields: list(fields) });
}

/** `BURROW_ERR_QUERY_OPERATOR_UNKNOWN`: an operator that does not exist or does not fit its field. */
export function badOperator(param: string, operator: string, reason: string, operators: readonly string[]): BurrowError {
  return resourceErrors.create('BURROW_ERR_QUERY_OPERATOR_UNKNOWN', { param, operator: quote(operator), reason, operators: list(operators) });
}

/** `BURROW_ERR_QUERY_VALUE_INVALID`: a value that is not of its field's type. */
export function badValue(param: string, value: string, field: string, expected: string): BurrowError {
  return resourceErrors.create('BURROW_ERR_QUERY_VALUE_INVALID', { param, value, field, expected });
}

/** `BURROW_ERR_QUERY_CURSOR_INVALID`. */
export function badCursor(param: string): BurrowError {
  return resourceErrors.create('BURROW_ERR_QUERY_CURSOR_INVALID', { param });
}

function list(names: readonly string[]): string {
  return names.length ? names.join(', ') : '(none)';
}
