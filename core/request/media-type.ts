/** The media type of a Content-Type header value, lower case, without parameters. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const semi = header.indexOf(';');
  const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  return type || undefined;
}

/** Does an actual media type fall under a declared one (`*\/*`, `text/*`, `application/json`)? */
export function matchesMediaType(declared: string, actual: string): boolean {
  if (declared === actual || declared === '*/*') return true;
  if (declared.endsWith('/*')) return actual.startsWith(declared.slice(0, -1));
  return false;
}

/** `application/json`, or any `+json` suffix type (`application/merge-patch+json`). */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}
