import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen as listenExpress } from '../../../core/http/express.js';
import { DEFAULT_CLOSE_GRACE, DEFAULT_SERVER_TIMEOUTS, type Kernel, type ListenOptions } from '../../../core/index.js';
import { ADAPTERS, fixtureKernel } from '../../helpers.js';

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.close();
  kernel = undefined;
});

const start = (adapter: (typeof ADAPTERS)[number], k: Kernel, options: ListenOptions) => (adapter === 'express' ? listenExpress(k, options) : k.listen(options));

describe.each(ADAPTERS)('server timeouts (%s)', (adapter) => {
  it('applies the documented defaults: keep-alive longer than a load balancer idle timeout', async () => {
    kernel = await fixtureKernel();
    const { server } = await start(adapter, kernel, { port: 0 });
    expect(DEFAULT_SERVER_TIMEOUTS).toEqual({ headers: 30_000, request: 120_000, keepAlive: 65_000 });
    expect(DEFAULT_CLOSE_GRACE).toBe(1_000);
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000); // AWS ALB's idle timeout
    expect(server.headersTimeout).toBe(30_000);
    expect(server.requestTimeout).toBe(120_000);
  });

  it('applies the given ones, and announces the keep-alive timeout', async () => {
    kernel = await fixtureKernel();
    const { server, url } = await start(adapter, kernel, { port: 0, timeouts: { headers: 200, request: 5_000, keepAlive: 3_000 } });
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([200, 5_000, 3_000]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await getVia(agent, `${url}/hello`);
    expect(first.headers['keep-alive']).toBe('timeout=3');
    // An idle keep-alive connection outlives the headers timeout: it is not a request being received.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await getVia(agent, `${url}/hello`);
    expect(second.status).toBe(200);
    expect(second.reused).toBe(true);
    agent.destroy();
  });

  it.each<[string, unknown, string]>([
    ['a negative value', { headers: -1 }, 'headers must be a whole number of ms from 0 (off) to 2147483647, got -1'],
    ['a fraction', { keepAlive: 1.5 }, 'keepAlive must be a whole number of ms from 0 (off) to 2147483647, got 1.5'],
    ['a string', { request: '10s' }, 'request must be a whole number of ms from 0 (off) to 2147483647, got "10s"'],
    ['headers above request', { headers: 2_000, request: 1_000 }, 'headers (2000) must not exceed request (1000)'],
    ['an unknown key', { idle: 5 }, 'unknown "idle" (known: headers, request, keepAlive)'],
    ['not an object', 5, 'must be an object such as { headers: 30000, request: 120000, keepAlive: 65000 }'],
  ])('refuses %s with BURROW_ERR_BOOT_KERNEL_OPTION', async (_name, timeouts, reason) => {
    kernel = await fixtureKernel();
    await expect(start(adapter, kernel, { port: 0, timeouts: timeouts as ListenOptions['timeouts'] })).rejects.toMatchObject({
      code: 'BURROW_ERR_BOOT_KERNEL_OPTION',
      detail: `createKernel option listen() timeouts: ${reason}`,
    });
  });

  it('refuses a bad closeGrace and bad signals', async () => {
    kernel = await fixtureKernel();
    await expect(start(adapter, kernel, { port: 0, closeGrace: -5 })).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_KERNEL_OPTION', detail: expect.stringContaining('closeGrace: must be a whole number') });
    await expect(start(adapter, kernel, { port: 0, signals: ['SIGNOPE' as NodeJS.Signals] })).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_KERNEL_OPTION', detail: expect.stringContaining('"SIGNOPE"') });
    expect(() => kernel!.attach(http.createServer(), { closeGrace: 1.5 })).toThrow(/closeGrace/);
  });
});

function getVia(agent: http.Agent, url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}
