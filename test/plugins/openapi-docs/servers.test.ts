import { describe, expect, it } from 'vitest';
import { BoundedCache, declaresServers, mountServerUrl, withServer } from '../../../plugins/openapi-docs/internal/servers.js';

describe('mountServerUrl', () => {
  it.each([
    ['/openapi.json', '/openapi.json', '/'],
    ['/api/v1/openapi.json', '/openapi.json', '/api/v1'],
    ['/api/v1//openapi.json', '//openapi.json', '/api/v1'],
    ['/API/V1/openapi.json', '/openapi.json', '/API/V1'],
    ['/tenants/a%20b/openapi.json', '/openapi.json', '/tenants/a%20b'],
    ["/x/a:b@c!$&'()*+,;=-._~/openapi.json", '/openapi.json', "/x/a:b@c!$&'()*+,;=-._~"],
  ])('%s routed as %s: %s', (instance, path, url) => {
    expect(mountServerUrl({ instance, path })).toBe(url);
  });

  it.each([
    ['another host (//)', '//evil.example/openapi.json'],
    ['another host (/\\)', '/\\evil.example/openapi.json'],
    ['an empty segment', '/api//v1/openapi.json'],
    ['a dot segment', '/api/../openapi.json'],
    ['an escaped dot segment', '/api/%2E%2e/openapi.json'],
    ['a lone dot', '/./openapi.json'],
    ['a bad escape', '/api/%zz/openapi.json'],
    ['a raw space', '/a b/openapi.json'],
    ['a quote', '/a"b/openapi.json'],
    ['an angle bracket', '/<script>/openapi.json'],
    ['an absolute-form request target', 'http://evil.example/openapi.json'],
    ['a request path the kernel did not route as a suffix', '/rewritten'],
  ])('refuses %s', (_, instance) => {
    expect(mountServerUrl({ instance, path: '/openapi.json' })).toBeUndefined();
  });
});

describe('declaresServers and withServer', () => {
  it('take an empty or missing list as none, and set servers after info without touching the document', () => {
    const document = { openapi: '3.1.0', info: { title: 't', version: '1' }, servers: [] as unknown[], paths: {} };
    expect(declaresServers(document)).toBe(false);
    expect(declaresServers({ openapi: '3.0.3' })).toBe(false);
    expect(declaresServers({ openapi: '3.0.3', servers: [{ url: '/' }] })).toBe(true);
    const served = withServer(document, '/api/v1');
    expect(served).toEqual({ ...document, servers: [{ url: '/api/v1' }] });
    expect(Object.keys(served)).toEqual(['openapi', 'info', 'servers', 'paths']);
    expect(document.servers).toEqual([]);
    expect(served.paths).toBe(document.paths);
  });
});

describe('BoundedCache', () => {
  it('keeps at most max entries, forgetting the least recently used', () => {
    const cache = new BoundedCache<string, number>(2);
    let made = 0;
    const get = (key: string) => cache.get(key, () => ++made);
    expect([get('a'), get('b'), get('a')]).toEqual([1, 2, 1]);
    get('c'); // forgets b, the least recently used
    expect(cache.size).toBe(2);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(get('b')).toBe(4);
    expect(cache.has('a')).toBe(false);
  });
});
