/**
 * The tokens of a filter expression: names (`due`, `project.name`, and the keywords,
 * told apart by the parser), single-quoted strings (`''` is a quote), numbers,
 * parentheses and commas. Anything else outside quotes is a syntax error; inside
 * quotes every character (SQL, unicode) is data.
 */
import { quote, syntaxError } from './fail.js';

/** One token, with its position (0-based) in the expression. */
export type Token =
  | { type: 'name'; text: string; pos: number }
  | { type: 'string'; text: string; pos: number }
  | { type: 'number'; text: string; pos: number }
  | { type: '(' | ')' | ','; pos: number }
  | { type: 'end'; pos: number };

const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /[ \t\r\n]+/y;

/**
 * Splits an expression into tokens (the last one `end`).
 *
 * @throws BurrowError `BURROW_ERR_QUERY_SYNTAX` naming `param`: an unclosed string, a stray character.
 */
export function tokenize(source: string, param: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(source);
    return m ? m[0] : undefined;
  };
  while (pos < source.length) {
    const space = match(SPACE);
    if (space) {
      pos += space.length;
      continue;
    }
    const ch = source[pos];
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, pos });
      pos += 1;
      continue;
    }
    if (ch === "'") {
      const start = pos;
      let text = '';
      pos += 1;
      for (;;) {
        const close = source.indexOf("'", pos);
        if (close < 0) throw syntaxError(param, `the string that starts at position ${start + 1} is not closed (write a quote inside a string as '')`);
        text += source.slice(pos, close);
        pos = close + 1;
        if (source[pos] !== "'") break;
        text += "'";
        pos += 1;
      }
      tokens.push({ type: 'string', text, pos: start });
      continue;
    }
    const number = match(NUMBER);
    if (number) {
      tokens.push({ type: 'number', text: number, pos });
      pos += number.length;
      if (isWordChar(source[pos])) throw syntaxError(param, `unexpected character ${quote(source[pos])} at position ${pos + 1}`);
      continue;
    }
    const name = match(NAME);
    if (name) {
      tokens.push({ type: 'name', text: name, pos });
      pos += name.length;
      continue;
    }
    const char = String.fromCodePoint(source.codePointAt(pos)!);
    throw syntaxError(param, `unexpected character ${quote(char)} at position ${pos + 1}; strings go in single quotes`);
  }
  tokens.push({ type: 'end', pos });
  return tokens;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_.]/.test(ch);
}
