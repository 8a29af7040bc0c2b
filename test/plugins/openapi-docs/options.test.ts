import { describe, expect, it } from 'vitest';
import { createKernel, type BurrowError, type OpenApiDocument } from '../../../core/index.js';
import { openapiDocs } from '../../../plugins/openapi-docs/index.js';
import { OPENAPI_DOCS_DEFAULTS, parseOpenapiDocsOptions } from '../../../plugins/openapi-docs/options.js';
import { agent, FIXTURE, fixtureHandlers, fixtureKernel } from '../../helpers.js';

describe('openapi-docs options', () => {
  it('defaults to /docs, /openapi, the contract\'s title and the UI on', () => {
    expect(parseOpenapiDocsOptions(undefined)).toEqual({ docsPath: '/docs', specPath: '/openapi', title: undefined, ui: true });
    expect(parseOpenapiDocsOptions({})).toEqual(OPENAPI_DOCS_DEFAULTS);
  });

  it.each([
    ['a string', 'docs', 'options must be an object'],
    ['null', null, 'options must be an object'],
    ['an unknown option', { path: '/docs' }, 'unknown option "path"'],
    ['a docsPath without a leading slash', { docsPath: 'docs' }, 'docsPath must be a path'],
    ['a docsPath with a trailing slash', { docsPath: '/docs/' }, 'docsPath must be a path'],
    ['a docsPath of /', { docsPath: '/' }, 'docsPath must be a path'],
    ['a templated specPath', { specPath: '/{version}/openapi' }, 'specPath must be a path'],
    ['a specPath that is not a string', { specPath: 42 }, 'specPath must be a path'],
    ['an empty title', { title: ' ' }, 'title must be a non-empty string'],
    ['a ui that is not a boolean', { ui: 'yes' }, 'ui must be true or false'],
  ])('fails createKernel with BURROW_ERR_BOOT_PLUGIN_OPTIONS on %s, naming the plugin', async (_, input, message) => {
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, plugins: [openapiDocs(input as never)] }).catch(
      (e) => e,
    )) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toMatch(/^plugin "openapi-docs": /);
    expect(error.detail).toContain(message);
  });

  it('reports every bad option at once', () => {
    expect(() => parseOpenapiDocsOptions({ docsPath: 1, ui: 0 })).toThrow(/docsPath must be a path.*; ui must be true or false/);
  });

  it('serves under custom paths, with the document URL relative to the page', async () => {
    const kernel = await fixtureKernel({ plugins: [openapiDocs({ docsPath: '/reference/ui', specPath: '/spec/api' })] });
    const http = agent(kernel, 'express');
    expect(Object.keys(kernel.document.paths ?? {})).toEqual(expect.arrayContaining(['/spec/api.json', '/spec/api.yaml', '/reference/ui', '/reference/ui/{asset}']));
    expect(kernel.document.paths?.['/openapi.json']).toBeUndefined();
    expect((await http.get('/reference/ui')).headers.location).toBe('ui/');
    expect((await http.get('/reference/ui/')).status).toBe(200);
    expect((await http.get('/reference/ui/swagger-ui-init.js')).text).toContain('"swaggerUrl": "../../spec/api.json"');
    expect((await http.get('/spec/api.json')).status).toBe(200);
    expect((await http.get('/docs/')).status).toBe(404);
    await kernel.close();
  });

  it('escapes the title into the page', async () => {
    const kernel = await fixtureKernel({ plugins: [openapiDocs({ title: `</title><script>alert("x")</script> $' $&` })] });
    const page = await agent(kernel, 'node').get('/docs/');
    expect(page.text).toContain('<title>&#60;/title&#62;&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#36;&#39; &#36;&#38;</title>');
    expect(page.text).not.toContain('<script>alert');
    await kernel.close();
  });

  it('serves only the document when ui is false', async () => {
    const kernel = await fixtureKernel({ plugins: [openapiDocs({ ui: false })] });
    expect(Object.keys(kernel.document.paths ?? {}).filter((p) => p.startsWith('/docs'))).toEqual([]);
    expect(kernel.operations.has('burrowDocsPage')).toBe(false);
    expect((await agent(kernel, 'node').get('/openapi.json')).status).toBe(200);
    const docs = await agent(kernel, 'node').get('/docs/');
    expect(docs.status).toBe(404);
    expect(docs.body.code).toBe('BURROW_ERR_ROUTE_NOT_FOUND');
    await kernel.close();
  });

  it('contributes valid operations to an OpenAPI 3.1 contract too', async () => {
    const contract: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: 'Small', version: '1' },
      paths: { '/ping': { get: { operationId: 'ping', responses: { '204': { description: 'pong' } } } } },
    };
    const kernel = await createKernel({ contract, handlers: { ping: () => ({ status: 204 }) }, logger: { level: 'silent' }, plugins: [openapiDocs] });
    const http = agent(kernel, 'node');
    expect((await http.get('/openapi.json')).body.openapi).toBe('3.1.0');
    expect((await http.get('/docs/favicon-16x16.png')).status).toBe(200);
    expect((await http.get('/docs/')).text).toContain('<title>Small — API documentation</title>');
    await kernel.close();
  });

  it('refuses to boot when the contract already declares one of its paths', async () => {
    const contract: OpenApiDocument = {
      openapi: '3.0.3',
      info: { title: 'Clash', version: '1' },
      paths: { '/openapi.json': { get: { operationId: 'mine', responses: { '200': { description: 'mine' } } } } },
    };
    const error = (await createKernel({ contract, handlers: { mine: () => ({ status: 200 }) }, logger: { level: 'silent' }, plugins: [openapiDocs()] }).catch(
      (e) => e,
    )) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT');
    expect(error.detail).toContain('#/paths/~1openapi.json/get: contributed by plugin openapi-docs');
  });
});

describe('openapi-docs under a root security requirement', () => {
  it('keeps the contract and the page public', async () => {
    const kernel = await createKernel({
      contract: {
        openapi: '3.0.3',
        info: { title: 'secured', version: '1' },
        security: [{ key: [] }],
        paths: { '/secret': { get: { operationId: 'secret', responses: { '204': { description: 'x' } } } } },
        components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } },
      },
      handlers: { secret: () => ({ status: 204 }) },
      security: { key: () => ({ ok: false, status: 401, detail: 'no key' }) },
      plugins: [openapiDocs()],
      logger: { level: 'silent' },
    });
    expect((await kernel.inject('/secret')).statusCode).toBe(401);
    expect((await kernel.inject('/openapi.json')).statusCode).toBe(200);
    expect((await kernel.inject('/docs/')).statusCode).toBe(200);
    expect((await kernel.inject('/docs/swagger-ui.css')).statusCode).toBe(200);
    await kernel.close();
  });
});

describe('openapi-docs option types', () => {
  it('are checked by the compiler at the call site', () => {
    // @ts-expect-error docsPath is a string
    const entry = openapiDocs({ docsPath: 1 });
    expect(entry.plugin.name).toBe('openapi-docs');
  });
});
