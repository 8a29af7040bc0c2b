import { expect, it } from 'vitest';
import { hasDynamicDirective, record, type Middleware } from '../../../plugins/security-headers/internal/capture.js';

it('records the headers a middleware sets and removes', () => {
  const middleware: Middleware = (_req, res, next) => {
    res.setHeader('X-A', '1');
    res.removeHeader('X-Powered-By');
    next();
  };
  expect(record(middleware)).toEqual({ set: [['X-A', '1']], removed: ['X-Powered-By'] });
});

it('refuses to record what depends on the request, or is not done synchronously', () => {
  expect(record((req, res, next) => void (res.setHeader('X-Url', String(req.url)), next()))).toBeUndefined();
  expect(record((_req, res, next) => void (res.setHeader('X-Sent', String(res.headersSent)), next()))).toBeUndefined();
  expect(record((_req, _res, next) => void setTimeout(next, 0))).toBeUndefined();
  expect(() => record((_req, _res, next) => next(new Error('bad option')))).toThrow('bad option');
});

it('tells a policy with a function directive (a nonce)', () => {
  expect(hasDynamicDirective({ directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } })).toBe(true);
  expect(hasDynamicDirective({ directives: { scriptSrc: ["'self'"], upgradeInsecureRequests: null } })).toBe(false);
  expect(hasDynamicDirective(false)).toBe(false);
});
