/**
 * HTTP Basic (RFC 7617): `Authorization: Basic base64(name:password)`, checked on
 * every request against the user store. Stateless: no session is opened.
 */
import { allow, deny, type RequestContext, type VerifyResult } from 'burrowjs';
import { authorizationValue } from '../credentials.js';
import type { SchemeEnv, SchemeKind, SchemeRuntime } from '../types.js';

/** Options of {@link basic}. None yet: the users, lockout and hashing are the plugin's. */
export type BasicOptions = Record<string, never>;

// One detail for an unknown user, a wrong password and a disabled account: a 401 never tells which.
const WRONG = 'user name or password is wrong';
const TOKEN68 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The `http`/`basic` security scheme: a name and a password on every request,
 * checked (scrypt) against the plugin's user store, with the lockout counting
 * failures by account and address. Unknown users spend the same hashing time as
 * known ones. Reasons: `missing`, `malformed`, `invalid`.
 *
 * @example
 * auth({ schemes: { basicAuth: basic() }, users: memoryUsers([{ name: 'ada', password: 's3cret', groups: ['admin'] }]) })
 */
export function basic(_options: BasicOptions = {}): SchemeKind {
  return {
    kind: 'basic',
    setup(env: SchemeEnv): SchemeRuntime {
      return { verify: (ctx) => verifyBasic(env, ctx) };
    },
  };
}

async function verifyBasic(env: SchemeEnv, ctx: RequestContext): Promise<VerifyResult> {
  const value = authorizationValue(ctx, 'basic');
  if (value === undefined) return deny('no credentials', 'missing');
  const credentials = decode(value);
  if (!credentials) return deny('the Basic credentials are not base64(name:password)', 'malformed');
  const { name, password } = credentials;

  await env.lockout.check(ctx, name);
  const user = await env.users.findByName(name);
  const matches = await env.passwords.verify(user?.passwordHash ?? null, password);
  if (!user || user.disabled || !matches) {
    await env.lockout.fail(ctx, name);
    return deny(WRONG, 'invalid');
  }
  await env.lockout.succeed(ctx, name);
  return allow(env.principalOf(user));
}

/** The name and password of a Basic credential, or undefined when it is not base64 UTF-8 `name:password`. */
function decode(value: string): { name: string; password: string } | undefined {
  if (!TOKEN68.test(value)) return undefined;
  let text: string;
  try {
    text = utf8.decode(Buffer.from(value, 'base64'));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { name: text.slice(0, colon), password: text.slice(colon + 1) };
}
