import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, defineErrors, definePlugin, type Kernel } from 'burrowjs';
import { listen } from 'burrowjs/express';
import { compression, type CompressionOptions } from 'burrowjs/plugins/compression';
import { stats } from 'burrowjs/plugins/stats';
import { parseCompressionOptions } from '../../../plugins/compression/options.js';
import { negotiate } from '../../../plugins/compression/internal/negotiate.js';
import { ADAPTERS, agent, type Adapter } from '../../helpers.js';

const BIG = { items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item number ${i}` })) };
const BIG_TEXT = JSON.stringify(BIG);
const SMALL = { id: 1, name: 'small' };
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(4000, 7)]);
const EVENTS = 'data: tick\n\n'.repeat(300);

const bigErrors = defineErrors({
  TEST_ERR_BIG: { status: 422, title: 'A big problem', detail: '{text}' },
});

const json = (schema: unknown = { type: 'object' }) => ({ 'application/json': { schema } });
const get = (operationId: string, content: unknown, status = '200') => ({ get: { operationId, responses: { [status]: { description: 'ok', ...(content ? { content } : {}) } } } });
const CONTRACT = {
  openapi: '3.1.0',
  info: { title: 'compressed', version: '1' },
  paths: {
    '/big': get('big', json()),
    '/small': get('small', json()),
    '/image': get('image', { 'image/png': { schema: { type: 'string', format: 'binary' } } }),
    '/events': get('events', { 'text/event-stream': { schema: { type: 'string' } } }),
    '/encoded': get('encoded', json()),
    '/no-transform': get('noTransform', json()),
    '/empty': get('empty', undefined, '204'),
    '/problem': get('problem', json()),
  },
};

const handlers = {
  big: () => ({ status: 200, body: BIG }),
  small: () => ({ status: 200, body: SMALL }),
  image: () => ({ status: 200, body: PNG }),
  events: () => ({ status: 200, body: EVENTS }),
  encoded: () => ({ status: 200, body: gzipSync(BIG_TEXT), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
  noTransform: () => ({ status: 200, body: BIG, headers: { 'cache-control': 'no-transform' } }),
  empty: () => ({ status: 204 }),
  problem: () => {
    throw bigErrors.create('TEST_ERR_BIG', { text: 'x'.repeat(3000) });
  },
};

/** A plugin answering `/stream` and `/head-first` itself, in chunks (after the compression plugin's hook). */
const streamer = definePlugin({
  name: 'streamer',
  setup(kernel) {
    kernel.hooks.add('onRequest', (ctx) => {
      if (ctx.path === '/stream') {
        ctx.res.setHeader('content-type', 'text/plain; charset=utf-8');
        for (let i = 0; i < 3; i++) ctx.res.write(BIG_TEXT.slice(i * 1000, (i + 1) * 1000));
        ctx.res.end(BIG_TEXT.slice(3000));
      } else if (ctx.path === '/head-first') {
        ctx.res.writeHead(200, { 'content-type': 'text/plain' });
        ctx.res.end(BIG_TEXT);
      }
    });
  },
});

function boot(options?: CompressionOptions, more: ReturnType<typeof stats>[] = []): Promise<Kernel> {
  return createKernel({ contract: CONTRACT, handlers: handlers as never, errors: [bigErrors] as never, logger: { level: 'silent' }, plugins: [compression(options), streamer(), ...more] });
}

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request over real HTTP, the body's bytes as they came (no client-side decoding). */
function raw(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(res: Raw): Buffer {
  switch (res.headers['content-encoding']) {
    case 'br':
      return brotliDecompressSync(res.body);
    case 'gzip':
      return gunzipSync(res.body);
    case 'deflate':
      return inflateSync(res.body);
    default:
      return res.body;
  }
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(adapter: Adapter, options?: CompressionOptions, more: ReturnType<typeof stats>[] = []): Promise<{ url: string; kernel: Kernel }> {
  const kernel = await boot(options, more);
  const { server, url } = adapter === 'node' ? await kernel.listen({ port: 0 }) : await listen(kernel, { port: 0 });
  servers.push({ close: () => void kernel.close().catch(() => server.close()) });
  return { url, kernel };
}

describe('options and negotiation', () => {
  it('defaults, and every problem in one message', () => {
    expect(parseCompressionOptions(undefined)).toEqual({ threshold: 1024, encodings: ['br', 'gzip'], level: -1, brotliQuality: 4, filter: undefined });
    expect(() => parseCompressionOptions({ threshold: -1, encodings: ['zstd'], level: 10, brotliQuality: 12, filter: 'x', other: 1 })).toThrow(
      /other[\s\S]*threshold[\s\S]*encodings[\s\S]*level[\s\S]*brotliQuality[\s\S]*filter/,
    );
    expect(() => parseCompressionOptions({ encodings: ['gzip', 'gzip'] })).toThrow(/distinct/);
  });

  it('the highest q-value wins, the plugin order breaks ties, * and q=0', () => {
    const prefs = ['br', 'gzip'] as const;
    expect(negotiate('gzip, deflate, br', prefs)).toBe('br');
    expect(negotiate('br;q=0.5, gzip;q=0.9', prefs)).toBe('gzip');
    expect(negotiate('gzip;q=0.5, br;q=0.5', prefs)).toBe('br');
    expect(negotiate('br;q=0, *', prefs)).toBe('gzip');
    expect(negotiate('*;q=0.1', prefs)).toBe('br');
    expect(negotiate('deflate', prefs)).toBeUndefined();
    expect(negotiate('deflate', ['gzip', 'deflate'])).toBe('deflate');
    expect(negotiate('identity', prefs)).toBeUndefined();
    expect(negotiate('GZIP ; Q=1', prefs)).toBe('gzip');
    expect(negotiate('br;q=0, gzip;q=0', prefs)).toBeUndefined();
  });
});

describe.each(ADAPTERS)('compression over HTTP (%s)', (adapter) => {
  it('br and gzip as Accept-Encoding q-values say; the decompressed body is the original; Vary', async () => {
    const { url } = await serve(adapter);
    for (const [accept, expected] of [
      ['gzip, deflate, br', 'br'],
      ['br;q=0.4, gzip;q=0.8', 'gzip'],
      ['gzip', 'gzip'],
      ['br', 'br'],
    ] as const) {
      const res = await raw(url, '/big', { 'accept-encoding': accept });
      expect([accept, res.status, res.headers['content-encoding']]).toEqual([accept, 200, expected]);
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.body.length).toBeLessThan(BIG_TEXT.length / 2);
      expect(JSON.parse(decode(res).toString())).toEqual(BIG);
    }
  });

  it('counts the compressed bytes sent (ctx.bytesOut), which /stat reports as bytesOut', async () => {
    const { url } = await serve(adapter, undefined, [stats()]);
    const sizes: number[] = [];
    for (const accept of ['br', 'gzip', 'identity']) sizes.push((await raw(url, '/big', { 'accept-encoding': accept })).body.length);
    const small = await raw(url, '/small', { 'accept-encoding': 'gzip' });
    expect(sizes[0]).toBeLessThan(BIG_TEXT.length / 2);
    const report = JSON.parse((await raw(url, '/stat')).body.toString());
    expect(report.operations.big).toMatchObject({ calls: 3, bytesOut: sizes[0]! + sizes[1]! + BIG_TEXT.length });
    expect(report.operations.small.bytesOut).toBe(small.body.length);
  });

  it('no Accept-Encoding, or none the plugin answers: identity, still Vary', async () => {
    const { url } = await serve(adapter);
    for (const headers of [{} as Record<string, string>, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'deflate' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }]) {
      const res = await raw(url, '/big', headers);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-length']).toBe(String(BIG_TEXT.length));
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.body.toString()).toBe(BIG_TEXT);
    }
  });

  it('below the threshold: identity with its Content-Length, and Vary; the threshold is an option', async () => {
    const { url } = await serve(adapter);
    const small = await raw(url, '/small', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers['content-length']).toBe(String(JSON.stringify(SMALL).length));
    expect(small.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(small.body.toString())).toEqual(SMALL);

    const { url: eager } = await serve(adapter, { threshold: 0, encodings: ['gzip'] });
    const zipped = await raw(eager, '/small', { 'accept-encoding': 'br, gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decode(zipped).toString())).toEqual(SMALL);
  });

  it('never: image/png, text/event-stream, an existing Content-Encoding, Cache-Control: no-transform, 204, HEAD', async () => {
    const { url } = await serve(adapter);
    const accept = { 'accept-encoding': 'br, gzip' };
    const image = await raw(url, '/image', accept);
    expect([image.headers['content-type'], image.headers['content-encoding'], image.headers.vary]).toEqual(['image/png', undefined, undefined]);
    expect(image.body.equals(PNG)).toBe(true);

    const events = await raw(url, '/events', accept);
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.headers['content-encoding']).toBeUndefined();
    expect(events.body.toString()).toBe(EVENTS);

    const encoded = await raw(url, '/encoded', accept);
    expect(encoded.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(encoded.body).toString()).toBe(BIG_TEXT);

    const kept = await raw(url, '/no-transform', accept);
    expect(kept.headers['content-encoding']).toBeUndefined();
    expect(kept.body.toString()).toBe(BIG_TEXT);

    const empty = await raw(url, '/empty', accept);
    expect([empty.status, empty.headers['content-encoding'], empty.body.length]).toEqual([204, undefined, 0]);

    const head = await raw(url, '/big', accept, 'HEAD');
    expect([head.status, head.headers['content-encoding'], head.body.length]).toEqual([200, undefined, 0]);
  });

  it('a large problem+json is compressed too', async () => {
    const { url } = await serve(adapter);
    const res = await raw(url, '/problem', { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['content-encoding']).toBe('gzip');
    const problem = JSON.parse(decode(res).toString());
    expect([problem.code, problem.detail]).toEqual(['TEST_ERR_BIG', 'x'.repeat(3000)]);
  });

  it('a response a hook writes itself (in chunks, or its head first) is sent as written: compression applies to what Burrow sends', async () => {
    const { url } = await serve(adapter);
    const streamed = await raw(url, '/stream', { 'accept-encoding': 'gzip' });
    expect([streamed.status, streamed.headers['content-encoding']]).toEqual([200, undefined]);
    expect(streamed.body.toString()).toBe(BIG_TEXT);
    const headFirst = await raw(url, '/head-first', { 'accept-encoding': 'br' });
    expect([headFirst.status, headFirst.headers['content-encoding']]).toEqual([200, undefined]);
    expect(headFirst.body.toString()).toBe(BIG_TEXT);
  });

  it('a filter replaces the type test, never the never-rules; deflate when listed', async () => {
    const { url } = await serve(adapter, { encodings: ['deflate', 'gzip'], filter: (req) => req.url !== '/big' });
    expect((await raw(url, '/big', { 'accept-encoding': 'gzip, deflate' })).headers['content-encoding']).toBeUndefined();
    const image = await raw(url, '/image', { 'accept-encoding': 'gzip, deflate' });
    expect(image.headers['content-encoding']).toBe('deflate');
    expect(decode(image).equals(PNG)).toBe(true);
    expect((await raw(url, '/events', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
  });
});

describe.each(ADAPTERS)('compression through supertest (%s)', (adapter) => {
  it('gzip decoded by the client equals the original', async () => {
    const kernel = await boot();
    const res = await agent(kernel, adapter).get('/big').set('accept-encoding', 'gzip');
    expect([res.status, res.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(res.body).toEqual(BIG);
    await kernel.close();
  });
});
