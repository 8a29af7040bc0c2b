import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../core/index.js';
import { parseSecurityHeadersOptions, securityHeaders, type SecurityHeadersOptions } from '../../../plugins/security-headers/index.js';
import { ADAPTERS, agent, fixtureKernel, memoryLogger } from '../../helpers.js';

const kernels: Kernel[] = [];
afterAll(async () => {
  for (const kernel of kernels) await kernel.close();
});
async function boot(options?: SecurityHeadersOptions): Promise<Kernel> {
  const kernel = await fixtureKernel({ plugins: [securityHeaders(options)] });
  kernels.push(kernel);
  return kernel;
}

const BURROW_CSP =
  "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests";

/** The headers helmet itself sets, running as Express middleware per request, for the same options. */
async function helmetItself(options?: SecurityHeadersOptions): Promise<Record<string, string>> {
  const app = express();
  app.use(helmet(parseSecurityHeadersOptions(options).helmet));
  app.get('/', (_req, res) => void res.send('ok'));
  const res = await request(app).get('/');
  return res.headers as Record<string, string>;
}

const SECURITY = [
  'content-security-policy',
  'content-security-policy-report-only',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-powered-by',
  'x-xss-protection',
];
const securityOf = (headers: Record<string, string>) => Object.fromEntries(SECURITY.filter((name) => name in headers).map((name) => [name, headers[name]]));

describe.each(ADAPTERS)('security headers over %s', (adapter) => {
  it("sends helmet's headers with Burrow's content security policy, on answers and on problems", async () => {
    const api = agent(await boot(), adapter);
    const expected = {
      'content-security-policy': BURROW_CSP,
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const ok = await api.get('/hello');
    expect(ok.status).toBe(200);
    expect(securityOf(ok.headers)).toEqual(expected);
    // x-powered-by, which Express sets, is removed too.
    const missing = await api.get('/nowhere');
    expect(missing.status).toBe(404);
    expect(securityOf(missing.headers)).toEqual(expected);
  });

  it.each<[string, SecurityHeadersOptions | undefined]>([
    ['no options', undefined],
    ['HSTS off, frames denied, a referrer policy', { strictTransportSecurity: false, xFrameOptions: { action: 'deny' }, referrerPolicy: { policy: 'same-origin' } }],
    ['legacy aliases', { hsts: { maxAge: 60 }, frameguard: false, hidePoweredBy: false }],
    ['CSP off', { contentSecurityPolicy: false }],
    ['CSP report-only', { contentSecurityPolicy: { reportOnly: true } }],
    ['embedder policy', { crossOriginEmbedderPolicy: true, crossOriginResourcePolicy: { policy: 'cross-origin' } }],
  ])('replays exactly what helmet itself sets: %s', async (_name, options) => {
    const api = agent(await boot(options), adapter);
    const ours = securityOf((await api.get('/hello')).headers);
    const theirs = securityOf(await helmetItself(options));
    if (adapter === 'node') delete theirs['x-powered-by']; // only Express sets it
    expect(ours).toEqual(theirs);
  });

  it('takes CSP directives under helmet names, over the defaults one by one (null drops one)', async () => {
    const api = agent(
      await boot({ contentSecurityPolicy: { directives: { connectSrc: ["'self'", 'https://api.example.com'], upgradeInsecureRequests: null, 'img-src': ["'self'"] } } }),
      adapter,
    );
    const csp = (await api.get('/hello')).headers['content-security-policy'];
    expect(csp).toBe(
      "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'self';img-src 'self';object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self' https://api.example.com",
    );
    const own = agent(await boot({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } } }), adapter);
    expect((await own.get('/hello')).headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('runs helmet per request when a directive is a function (a nonce)', async () => {
    let n = 0;
    const api = agent(await boot({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => `'nonce-${++n}'`] } } }), adapter);
    expect((await api.get('/hello')).headers['content-security-policy']).toContain("script-src 'self' 'nonce-1';");
    expect((await api.get('/hello')).headers['content-security-policy']).toContain("script-src 'self' 'nonce-2';");
  });
});

describe('security-headers options', () => {
  it.each([
    [{ contentSecurityPolicy: 'on' }, 'contentSecurityPolicy must be a boolean'],
    [{ contentSecurityPolicy: { directives: [] } }, 'contentSecurityPolicy.directives must be an object'],
    [{ referrerPolicy: { policy: 'bogus' } }, 'helmet refuses these options: Referrer-Policy received an unexpected policy token "bogus"'],
    [{ contentSecurityPolicy: { directives: { scriptSrc: ['self'] } } }, 'should be quoted'],
    [{ helmet: true }, 'helmet'],
  ])('%j', async (options, message) => {
    await expect(boot(options as SecurityHeadersOptions)).rejects.toThrow(message);
  });
});

describe.each(ADAPTERS)('security headers beside the cors plugin over %s', (adapter) => {
  const APP = 'https://app.example.com';
  it.each([
    ['securityHeaders() first: the preflight answer carries the security headers', true],
    ['cors() first: the preflight is answered before, and nothing breaks', false],
  ])('%s', async (_name, first) => {
    const { cors } = await import('../../../plugins/cors/index.js');
    const plugins = first ? [securityHeaders(), cors({ origins: [APP] })] : [cors({ origins: [APP] }), securityHeaders()];
    const kernel = await fixtureKernel({ plugins });
    kernels.push(kernel);
    const api = agent(kernel, adapter);
    const pre = await api.options('/hello').set('origin', APP).set('access-control-request-method', 'GET');
    expect([pre.status, pre.headers['access-control-allow-origin']]).toEqual([204, APP]);
    expect('content-security-policy' in pre.headers).toBe(first);
    const res = await api.get('/hello').set('origin', APP);
    expect([res.status, res.headers['access-control-allow-origin'], res.headers['content-security-policy']]).toEqual([200, APP, BURROW_CSP]);
  });
});

it('sets nothing once an earlier onRequest hook answered (a cors preflight): no ERR_HTTP_HEADERS_SENT', async () => {
  const { cors } = await import('../../../plugins/cors/index.js');
  const { logger, lines } = memoryLogger();
  const kernel = await fixtureKernel({ logger, plugins: [cors({ origins: ['https://app.example.com'] }), securityHeaders()] });
  kernels.push(kernel);
  const res = await kernel.inject({ method: 'OPTIONS', url: '/hello', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
  expect(res.statusCode).toBe(204);
  expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  expect(lines.find((line) => line.message === 'request')?.status).toBe(204);
});
