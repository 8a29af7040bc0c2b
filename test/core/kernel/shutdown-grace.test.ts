import http from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen as listenExpress } from '../../../core/http/express.js';
import type { Kernel, ListenOptions } from '../../../core/index.js';
import { ADAPTERS, fixtureKernel } from '../../helpers.js';
import { get, sleep } from './shutdown-helpers.js';

const start = (adapter: (typeof ADAPTERS)[number], k: Kernel, options: ListenOptions) => (adapter === 'express' ? listenExpress(k, options) : k.listen(options));

/** A keep-alive agent with one idle connection to the server, and when that connection closed. */
async function idleConnection(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await get(agent, `${url}/hello`);
  expect(first).toMatchObject({ kind: 'answer', status: 200 });
  const socket = Object.values(agent.freeSockets)[0]![0] as Socket;
  const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return { agent, closedAt };
}

describe.each(ADAPTERS)('closeGrace (%s)', (adapter) => {
  it('keeps an idle keep-alive connection open for the grace period: a request on it is answered 503, then it closes', async () => {
    const kernel = await fixtureKernel();
    const { url } = await start(adapter, kernel, { port: 0, closeGrace: 1_000 });
    const { agent, closedAt } = await idleConnection(url);
    const closed = kernel.close();
    await sleep(200);
    const late = await get(agent, `${url}/hello`);
    expect(late).toMatchObject({ kind: 'answer', status: 503, headers: { connection: 'close', 'retry-after': '1' } });
    await closedAt;
    await closed;
  });

  it('closes idle connections once the grace period is over, and close() resolves', async () => {
    const kernel = await fixtureKernel();
    const { url } = await start(adapter, kernel, { port: 0, closeGrace: 300 });
    const { closedAt } = await idleConnection(url);
    const began = Date.now();
    await kernel.close();
    const after = (await closedAt) - began;
    expect(after).toBeGreaterThanOrEqual(280);
    expect(after).toBeLessThan(1_500);
  });

  it('bounds the grace period by closeTimeout', async () => {
    const kernel = await fixtureKernel({ closeTimeout: 200 });
    const { url } = await start(adapter, kernel, { port: 0, closeGrace: 5_000 });
    await idleConnection(url);
    const began = Date.now();
    await kernel.close();
    expect(Date.now() - began).toBeLessThan(1_500);
  });
});
