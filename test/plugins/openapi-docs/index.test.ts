import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Stream } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createKernel, type Kernel, type OpenApiDocument } from '../../../core/index.js';
import { openapiDocs } from '../../../plugins/openapi-docs/index.js';
import { ADAPTERS, agent, fixtureKernel } from '../../helpers.js';
import { mount } from './mount.js';

const ASSETS = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
  'oauth2-redirect.html',
  'oauth2-redirect.js',
  'swagger-ui-init.js',
];
const CONTENT_TYPES: Record<string, RegExp> = {
  '.css': /^text\/css; charset=utf-8$/,
  '.js': /^text\/javascript; charset=utf-8$/,
  '.png': /^image\/png$/,
  '.html': /^text\/html; charset=utf-8$/,
};
const require = createRequire(import.meta.url);
const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** supertest buffers binary and unknown bodies only when asked to. */
const binary = (res: Stream, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Every `src` and `href` attribute value of a page. */
const assetUrls = (html: string) => [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]);

describe.each(ADAPTERS)('openapi-docs (%s adapter)', (adapter) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await fixtureKernel({ plugins: [openapiDocs()] });
  });
  afterAll(() => kernel.close());

  it('serves the composed document at /openapi.json, the plugin\'s own operations included', async () => {
    const res = await agent(kernel, adapter).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ ...JSON.parse(JSON.stringify(kernel.document)), servers: [{ url: '/' }] });
    expect(res.body.components.schemas.BurrowProblem).toBeDefined();
    expect(res.body.paths['/hello'].get.operationId).toBe('hello');
    expect(res.body.paths['/openapi.json'].get).toMatchObject({ operationId: 'burrowOpenApiJson', tags: ['burrow'] });
    expect(res.body.paths['/openapi.yaml'].get).toMatchObject({ operationId: 'burrowOpenApiYaml', tags: ['burrow'] });
    expect(res.body.paths['/docs'].get).toMatchObject({ operationId: 'burrowDocsPage', tags: ['burrow'] });
    expect(res.body.paths['/docs/{asset}'].get).toMatchObject({ operationId: 'burrowDocsAsset', tags: ['burrow'] });
    expect(res.body.tags).toContainEqual(expect.objectContaining({ name: 'burrow' }));
  });

  it('declares the assets as an enum of exactly the files it serves', async () => {
    const asset = kernel.document.paths!['/docs/{asset}'].get.parameters.find((p: { name: string }) => p.name === 'asset');
    expect(asset).toMatchObject({ in: 'path', required: true });
    expect(asset.schema.enum).toEqual(ASSETS);
  });

  it('serves the same document as YAML at /openapi.yaml', async () => {
    const [json, yaml] = await Promise.all([agent(kernel, adapter).get('/openapi.json'), agent(kernel, adapter).get('/openapi.yaml').buffer(true).parse(binary)]);
    expect(yaml.status).toBe(200);
    expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8');
    const text = (yaml.body as Buffer).toString('utf8');
    expect(text).not.toMatch(/^\s*[\w'"-]+:\s*[*&]\w+/m); // no YAML anchors or aliases
    expect(parseYaml(text)).toEqual(json.body);
  });

  it('names the root as the server when the contract declares none, in JSON and YAML, leaving kernel.document as it is', async () => {
    const json = await agent(kernel, adapter).get('/openapi.json');
    expect(json.body.servers).toEqual([{ url: '/' }]);
    expect(Object.keys(json.body).slice(0, 3)).toEqual(['openapi', 'info', 'servers']);
    const yaml = await agent(kernel, adapter).get('/openapi.yaml').buffer(true).parse(binary);
    expect(parseYaml((yaml.body as Buffer).toString('utf8')).servers).toEqual([{ url: '/' }]);
    expect(kernel.document.servers).toBeUndefined();
  });

  it('redirects /docs to docs/ (relative), so the page\'s relative URLs resolve under any mount path', async () => {
    const res = await agent(kernel, adapter).get('/docs');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('docs/');
  });

  it('serves the Swagger UI page at /docs/, loading nothing from another host', async () => {
    const res = await agent(kernel, adapter).get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<title>Fixture tasks — API documentation</title>');
    const urls = assetUrls(res.text);
    expect(urls).toEqual(expect.arrayContaining(['./swagger-ui.css', './swagger-ui-bundle.js', './swagger-ui-standalone-preset.js', './swagger-ui-init.js']));
    for (const url of urls) expect(url).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
    for (const url of urls) expect(ASSETS).toContain(url.replace(/^\.\//, ''));
  });

  it.each(ASSETS)('serves %s with its content type, a Cache-Control and an ETag', async (name) => {
    const res = await agent(kernel, adapter).get(`/docs/${name}`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(CONTENT_TYPES[path.extname(name)]);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+|no-cache/);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    const body = res.body as Buffer;
    expect(body.length).toBe(Number(res.headers['content-length']));
    if (name === 'swagger-ui-init.js') return;
    const original = readFileSync(path.join(DIST, name));
    if (name.endsWith('.css')) expect(body.toString()).toBe(original.toString().replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, ''));
    else expect(body.equals(original)).toBe(true);
  });

  it('starts Swagger UI on ../openapi.json, without the online validator', async () => {
    const res = await agent(kernel, adapter).get('/docs/swagger-ui-init.js');
    expect(res.text).toContain('"swaggerUrl": "../openapi.json"');
    expect(res.text).toMatch(/"validatorUrl": null/);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers 304 when If-None-Match holds the current ETag', async () => {
    const first = await agent(kernel, adapter).get('/docs/swagger-ui.css');
    const again = await agent(kernel, adapter).get('/docs/swagger-ui.css').set('if-none-match', `W/${first.headers.etag}, "other"`);
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(first.headers.etag);
    const stale = await agent(kernel, adapter).get('/docs/swagger-ui.css').set('if-none-match', '"stale"');
    expect(stale.status).toBe(200);
  });

  it('answers an unknown asset with 400 BURROW_ERR_REQUEST_VALIDATION (the enum)', async () => {
    for (const name of ['index.html', 'swagger-ui.css.map', 'package.json', '..%2Fpackage.json']) {
      const res = await agent(kernel, adapter).get(`/docs/${name}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body.code).toBe('BURROW_ERR_REQUEST_VALIDATION');
      expect(res.body.errors).toEqual([expect.objectContaining({ in: 'path', name: 'asset' })]);
    }
  });

  it('answers HEAD on the page and the assets without a body', async () => {
    const res = await agent(kernel, adapter).head('/docs/swagger-ui-bundle.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(100_000);
  });
});

describe('openapi-docs mounted under /api/v1', () => {
  let kernel: Kernel;
  let app: express.Express;
  beforeAll(async () => {
    kernel = await fixtureKernel({ plugins: [openapiDocs()] });
    app = express();
    app.use('/api/v1', mount(kernel));
  });
  afterAll(() => kernel.close());

  it('resolves the redirect, every asset and the document relative to the mount path', async () => {
    const redirect = await request(app).get('/api/v1/docs');
    expect(redirect.status).toBe(301);
    const pageUrl = new URL(redirect.headers.location, 'http://host/api/v1/docs');
    expect(pageUrl.pathname).toBe('/api/v1/docs/');

    const page = await request(app).get(pageUrl.pathname);
    expect(page.status).toBe(200);
    for (const url of assetUrls(page.text)) {
      const asset = await request(app).get(new URL(url, pageUrl).pathname);
      expect(asset.status, url).toBe(200);
    }
    const init = await request(app).get(new URL('./swagger-ui-init.js', pageUrl).pathname);
    const specUrl = /"swaggerUrl": "([^"]+)"/.exec(init.text)![1];
    const spec = await request(app).get(new URL(specUrl, pageUrl).pathname);
    expect(new URL(specUrl, pageUrl).pathname).toBe('/api/v1/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.paths['/docs/{asset}']).toBeDefined();
    expect((await request(app).get('/api/v1/openapi.yaml')).status).toBe(200);
  });
});

/** A small contract, with the root `servers` given (or none). */
function smallContract(servers?: unknown): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Small', version: '1' },
    ...(servers === undefined ? {} : { servers }),
    paths: { '/ping': { get: { operationId: 'ping', responses: { '200': { description: 'pong', content: { 'application/json': { schema: { type: 'string' } } } } } } } },
  };
}

const yamlOf = async (app: express.Express, url: string) =>
  parseYaml(((await request(app).get(url).buffer(true).parse(binary)).body as Buffer).toString('utf8'));

describe('openapi-docs servers: the mount path when the contract declares none', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await fixtureKernel({ plugins: [openapiDocs()] });
  });
  afterAll(() => kernel.close());

  it('serves servers: [{ url: "/api/v1" }] under /api/v1, in JSON and YAML, the rest of the document unchanged', async () => {
    const app = express();
    app.use('/api/v1', mount(kernel));
    const json = await request(app).get('/api/v1/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body.servers).toEqual([{ url: '/api/v1' }]);
    expect(json.body).toEqual({ ...JSON.parse(JSON.stringify(kernel.document)), servers: [{ url: '/api/v1' }] });
    const yaml = await request(app).get('/api/v1/openapi.yaml');
    expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(await yamlOf(app, '/api/v1/openapi.yaml')).toEqual(json.body);
    expect(kernel.document.servers).toBeUndefined();
  });

  it('serves each mount path of one kernel its own servers, however the requests interleave', async () => {
    const app = express();
    app.use('/api/v1', mount(kernel));
    app.use('/internal/docs-api', mount(kernel));
    app.use(mount(kernel));
    for (let round = 0; round < 2; round++) {
      for (const [prefix, url] of [['/api/v1', '/api/v1'], ['/internal/docs-api', '/internal/docs-api'], ['', '/']]) {
        expect((await request(app).get(`${prefix}/openapi.json`)).body.servers).toEqual([{ url }]);
        expect((await yamlOf(app, `${prefix}/openapi.yaml`)).servers).toEqual([{ url }]);
      }
    }
  });

  it('takes the mount path from the request path alone: Host and X-Forwarded-* change nothing', async () => {
    const app = express();
    app.use('/api/v1', mount(kernel));
    const res = await request(app)
      .get('/api/v1/openapi.json')
      .set('host', 'evil.example')
      .set('x-forwarded-host', 'evil.example')
      .set('x-forwarded-proto', 'https')
      .set('x-forwarded-prefix', '/elsewhere');
    expect(res.body.servers).toEqual([{ url: '/api/v1' }]);
    expect((await request(app).get('/api/v1/openapi.yaml').set('host', 'evil.example').set('x-forwarded-prefix', '/elsewhere')).text).toMatch(
      /^servers:\n {2}- url: \/api\/v1$/m,
    );
  });

  it('follows a mount path with a parameter, and serves no servers for one a browser would not resolve to itself', async () => {
    const app = express();
    app.use('/tenants/:tenant', mount(kernel));
    // More tenants than the cache holds: each still gets its own.
    for (let i = 0; i < 20; i++) expect((await request(app).get(`/tenants/t${i}/openapi.json`)).body.servers).toEqual([{ url: `/tenants/t${i}` }]);
    expect((await request(app).get('/tenants/a%20b/openapi.json')).body.servers).toEqual([{ url: '/tenants/a%20b' }]);
    for (const tenant of ['..', '%2e%2E', '.']) {
      const res = await request(app).get(`/tenants/${tenant}/openapi.json`);
      expect(res.status, tenant).toBe(200);
      expect(res.body.servers, tenant).toBeUndefined();
    }
  });
});

describe('openapi-docs servers the contract declares', () => {
  it.each([
    ['an absolute URL', [{ url: 'https://api.example.com/v1', description: 'Production' }]],
    ['a relative URL with a variable', [{ url: '/{version}', variables: { version: { default: 'v2' } } }, { url: '/v1' }]],
  ])('are served as they are (%s), at the root and under /api/v1, in JSON and YAML', async (_, servers) => {
    const kernel = await createKernel({ contract: smallContract(servers), handlers: { ping: () => ({ status: 200, body: 'pong' }) }, logger: { level: 'silent' }, plugins: [openapiDocs()] });
    const app = express();
    app.use('/api/v1', mount(kernel));
    app.use(mount(kernel));
    for (const prefix of ['', '/api/v1']) {
      expect((await request(app).get(`${prefix}/openapi.json`)).body.servers).toEqual(servers);
      expect((await yamlOf(app, `${prefix}/openapi.yaml`)).servers).toEqual(servers);
    }
    await kernel.close();
  });

  it('count as none when the list is empty', async () => {
    const kernel = await createKernel({ contract: smallContract([]), handlers: { ping: () => ({ status: 200, body: 'pong' }) }, logger: { level: 'silent' }, plugins: [openapiDocs()] });
    const app = express();
    app.use('/api/v1', mount(kernel));
    expect((await request(app).get('/api/v1/openapi.json')).body.servers).toEqual([{ url: '/api/v1' }]);
    expect((await yamlOf(app, '/api/v1/openapi.yaml')).servers).toEqual([{ url: '/api/v1' }]);
    expect((await agent(kernel, 'node').get('/openapi.json')).body.servers).toEqual([{ url: '/' }]);
    await kernel.close();
  });
});
