/**
 * Who may scrape the metrics when no security scheme protects them: loopback
 * addresses and the addresses or CIDR ranges of `allow`, matched with proxy-addr
 * against `ctx.ip` (the client address, `X-Forwarded-For` believed only from the
 * kernel's `trustProxy`).
 */
import proxyaddr from 'proxy-addr';

/** Compiles the allowed addresses (loopback always included); throws on a malformed one. */
export function compileAllow(allow: readonly string[]): (address: string) => boolean {
  const trusted = proxyaddr.compile(['loopback', ...allow]);
  return (address) => {
    try {
      return trusted(address, 0);
    } catch {
      // 'unknown' (a socket already gone) or anything that is not an address.
      return false;
    }
  };
}

/** The problems of an `allow` list, for the options parser. */
export function allowProblems(allow: unknown): string[] {
  if (!Array.isArray(allow) || allow.some((a) => typeof a !== 'string' || a.trim() === '')) {
    return [`allow must be an array of addresses or CIDR ranges ("10.0.0.0/8", "::1"), got ${JSON.stringify(allow)}`];
  }
  try {
    proxyaddr.compile(allow as string[]);
    return [];
  } catch (error) {
    return [`allow: ${(error as Error).message}`];
  }
}

/** The problems of a `security` value (OpenAPI security requirements), for the options parser. */
export function securityProblems(security: unknown): string[] {
  const ok =
    Array.isArray(security) &&
    security.length > 0 &&
    security.every(
      (requirement) =>
        requirement !== null &&
        typeof requirement === 'object' &&
        !Array.isArray(requirement) &&
        Object.values(requirement as object).every((scopes) => Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')),
    );
  return ok ? [] : [`security must be a non-empty array of OpenAPI security requirements ([{ basicAuth: [] }]), got ${JSON.stringify(security)}`];
}
