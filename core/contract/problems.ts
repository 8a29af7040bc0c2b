/** One thing wrong with a contract: which file, where in it, and what. */
export interface ContractProblem {
  /** The file the problem is in, relative to the working directory (`<inline>` for an object). */
  file: string;
  /** JSON pointer inside that file. */
  pointer: string;
  message: string;
}

/** Renders problems one per line, for boot errors: `api.yaml#/paths/~1tasks/get: message`. */
export function formatProblems(problems: ContractProblem[]): string {
  return problems.map((p) => `  - ${p.file}#${p.pointer}: ${p.message}`).join('\n');
}

/** Escapes one JSON pointer token (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Splits a JSON pointer into unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  return pointer
    .replace(/^#/, '')
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins tokens into a JSON pointer. */
export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => '/' + escapePointerToken(String(t))).join('');
}

/**
 * Percent-decodes a `$ref` or a part of one: a `$ref` is a URI, whose fragment may encode
 * the braces of a path template (RFC 6901 §6). Text that is no valid encoding stays as it is.
 */
export function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
