import type { ServerResponse } from 'node:http';

/**
 * Adds header names to a response's `Vary`, keeping what another part of the app put there:
 * names already listed (in any case) are not repeated, and `Vary: *` is left as it is.
 * For plugins whose answer depends on a request header (CORS on `Origin`, compression on
 * `Accept-Encoding`).
 *
 * @example
 * appendVary(ctx.res, 'Origin, Access-Control-Request-Method')
 */
export function appendVary(res: ServerResponse, names: string): void {
  const previous = res.getHeader('vary');
  if (previous === undefined || previous === '') {
    res.setHeader('vary', names);
    return;
  }
  const text = Array.isArray(previous) ? previous.join(', ') : String(previous);
  const present = text.toLowerCase().split(',').map((name) => name.trim());
  if (present.includes('*')) return;
  const missing = names.split(',').map((name) => name.trim()).filter((name) => name && !present.includes(name.toLowerCase()));
  if (missing.length) res.setHeader('vary', `${text}, ${missing.join(', ')}`);
}
