import { execFile } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen as listenExpress } from '../../../core/http/express.js';
import { drainCap } from '../../../core/request/body.js';
import type { Kernel } from '../../../core/index.js';
import { ADAPTERS, fixtureKernel, VALID_ITEM } from '../../helpers.js';
import { postHead, RawConnection } from './raw-http.js';

const MiB = 1024 * 1024;
const LIMIT = MiB;
const UPLOAD_CLIENT = fileURLToPath(new URL('./upload-client.mjs', import.meta.url));

interface UploadResult {
  status?: number;
  connection?: string | null;
  body?: string;
  error?: string;
}

/**
 * Runs fetch uploads from a process of its own. In the server's process, fetch's
 * reads interleave with the server's writes and hide the reset: before the fix,
 * this client saw EPIPE on 7 to 29 of 50 uploads, fetch in-process on none.
 */
async function uploadFromAnotherProcess(options: { url: string; requests: number; concurrency: number; bytes: number }): Promise<UploadResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [UPLOAD_CLIENT, JSON.stringify(options)], { maxBuffer: 16 * MiB });
  return JSON.parse(stdout) as UploadResult[];
}

/** A fetch whose 1 MiB chunks are made on demand (chunked framing); counts what the server took. */
async function streamUpload(url: string, megabytes: number) {
  const chunk = new Uint8Array(MiB).fill(0x20);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === megabytes) return controller.close();
      sent++;
      controller.enqueue(chunk);
    },
  });
  const outcome = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit).then(
    async (res) => ({ status: res.status, connection: res.headers.get('connection'), problem: (await res.json()) as { code: string } }),
    (error: Error) => ({ error }),
  );
  return { outcome, sentMegabytes: sent };
}

describe.each(ADAPTERS)('a body over bodyLimit, over real HTTP (%s)', (adapter) => {
  let kernel: Kernel;
  let url: string;
  const sockets: Socket[] = [];
  /** Bytes the server has read from every connection it accepted. */
  const bytesRead = () => sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);

  beforeAll(async () => {
    kernel = await fixtureKernel({ bodyLimit: LIMIT });
    const listening = adapter === 'node' ? await kernel.listen({ port: 0 }) : await listenExpress(kernel, { port: 0 });
    listening.server.on('connection', (socket: Socket) => sockets.push(socket));
    url = listening.url;
  });
  afterAll(() => kernel.close());

  it('answers 50 fetch uploads of 5 MB to a 1 MB limit with the 413 problem, never a connection reset', async () => {
    const results = await uploadFromAnotherProcess({ url: `${url}/items`, requests: 50, concurrency: 10, bytes: 5 * 1000 * 1000 });
    expect(results).toHaveLength(50);
    expect(results.filter((r) => r.error)).toEqual([]);
    for (const result of results) {
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body!)).toMatchObject({ status: 413, code: 'BURROW_ERR_REQUEST_BODY_TOO_LARGE', detail: `the body exceeds the limit of ${LIMIT} bytes` });
      expect(result.connection).not.toBe('close');
    }
  });

  it('keeps the connection open once an oversized body is drained: the next request on it is served', async () => {
    const connection = await RawConnection.open(url);
    await connection.write(postHead('/items', `Content-Length: ${5 * MiB}`));
    for (let i = 0; i < 5; i++) await connection.write(Buffer.alloc(MiB, 0x20));
    const tooLarge = await connection.response();
    expect(tooLarge?.status).toBe(413);
    expect(tooLarge?.headers.connection).toBe('keep-alive');
    expect(JSON.parse(tooLarge!.body).code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');

    await connection.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    const next = await connection.response();
    expect(next?.status).toBe(200);
    expect(JSON.parse(next!.body)).toEqual({ hello: 'world' });
    connection.close();
  });

  it('drains a chunked body that passes the limit, answers 413 and keeps the connection', async () => {
    const connection = await RawConnection.open(url);
    await connection.write(postHead('/items', 'Transfer-Encoding: chunked'));
    const chunk = Buffer.alloc(MiB / 2, 0x20);
    for (let i = 0; i < 6; i++) await connection.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    await connection.write('0\r\n\r\n');
    const tooLarge = await connection.response();
    expect(tooLarge?.status).toBe(413);
    expect(tooLarge?.headers.connection).toBe('keep-alive');
    expect(JSON.parse(tooLarge!.body).code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    await connection.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await connection.response())?.status).toBe(200);
    connection.close();
  });

  it('stops reading a 64 MB stream near the drain cap, answers 413 or closes, and keeps serving', async () => {
    const before = bytesRead();
    const { outcome, sentMegabytes } = await streamUpload(`${url}/items`, 64);
    if ('error' in outcome) {
      expect(outcome.error).toBeInstanceOf(TypeError);
    } else {
      expect(outcome.status).toBe(413);
      expect(outcome.problem.code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
      expect(outcome.connection).toBe('close');
    }
    // The server read the cap and not much more (socket reads are 64 KiB): it held none of it.
    expect(bytesRead() - before).toBeLessThan(drainCap(LIMIT) + MiB);
    expect(sentMegabytes).toBeLessThan(64);

    expect((await fetch(`${url}/hello`)).status).toBe(200);
    const created = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(VALID_ITEM) });
    expect(created.status).toBe(201);
  });

  it('answers a declared Content-Length over the drain cap at once, without reading the body, and closes', async () => {
    const before = bytesRead();
    const connection = await RawConnection.open(url);
    await connection.write(postHead('/items', `Content-Length: ${64 * MiB}`));
    const answer = await connection.response();
    // Nothing of the body was sent: the server answered on the headers alone.
    expect(answer?.status).toBe(413);
    expect(answer?.headers.connection).toBe('close');
    expect(JSON.parse(answer!.body).code).toBe('BURROW_ERR_REQUEST_BODY_TOO_LARGE');
    await connection.closing();
    expect(bytesRead() - before).toBeLessThan(64 * 1024);
    expect((await fetch(`${url}/hello`)).status).toBe(200);
  });
});
