import { kindOf } from './schema-kind.js';

/** A parameter as the contract declares it (dereferenced). */
export interface DeclaredParameter {
  name: string;
  in: string;
  style?: string;
  explode?: boolean;
  allowReserved?: boolean;
  allowEmptyValue?: boolean;
  schema?: Record<string, unknown>;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}

/**
 * OpenAPI 3.0.3 / 3.1, Parameter Object, *Style Values*: where each style may be
 * used, and for which types of value.
 */
const STYLES: Record<string, { in: string[]; types?: string[] }> = {
  matrix: { in: ['path'] },
  label: { in: ['path'] },
  form: { in: ['query', 'cookie'] },
  simple: { in: ['path', 'header'] },
  spaceDelimited: { in: ['query'], types: ['array', 'object'] },
  pipeDelimited: { in: ['query'], types: ['array', 'object'] },
  deepObject: { in: ['query'], types: ['object'] },
};

/** The style a parameter uses when it names none: "for query - form; for path - simple; for header - simple; for cookie - form". */
export function defaultStyle(location: string): string {
  return location === 'query' || location === 'cookie' ? 'form' : 'simple';
}

/**
 * The parameters of one operation that the specification does not allow as
 * declared: a style used where *Style Values* does not define it (`matrix` in a
 * query, `form` in a header), or for a type of value it cannot express
 * (`deepObject` of an array). Each problem names the parameter; the caller prefixes
 * the operation. Empty when all is well.
 *
 * @example
 * parameterProblems({ parameters: [{ name: 'color', in: 'query', style: 'matrix', schema: { type: 'string' } }] })
 * // → ['parameter "color" in query: style "matrix" is defined for path parameters only (OpenAPI Style Values)']
 */
export function parameterProblems(operation: { parameters?: unknown[] }): string[] {
  const problems: string[] = [];
  for (const parameter of (operation.parameters ?? []) as DeclaredParameter[]) {
    if (!parameter || typeof parameter !== 'object' || parameter.content || !parameter.style) continue;
    const where = `parameter "${parameter.name}" in ${parameter.in}`;
    const style = STYLES[parameter.style];
    if (!style) {
      problems.push(`${where}: style "${parameter.style}" is not one OpenAPI defines (${Object.keys(STYLES).join(', ')})`);
      continue;
    }
    if (!style.in.includes(parameter.in)) {
      problems.push(`${where}: style "${parameter.style}" is defined for ${style.in.join(' and ')} parameters only (OpenAPI Style Values)`);
      continue;
    }
    const kind = kindOf(parameter.schema);
    if (style.types && !style.types.includes(kind)) {
      problems.push(`${where}: style "${parameter.style}" serializes ${style.types.join(' and ')} values only, and the schema describes ${kind === 'primitive' ? 'a primitive' : `an ${kind}`} (OpenAPI Style Values)`);
    }
  }
  return problems;
}
