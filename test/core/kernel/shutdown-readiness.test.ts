import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { listen as listenExpress } from '../../../core/http/express.js';
import type { Kernel } from '../../../core/index.js';
import { health } from '../../../plugins/health/index.js';
import { ADAPTERS } from '../../helpers.js';
import { gatedKernel, get } from './shutdown-helpers.js';

const start = (adapter: (typeof ADAPTERS)[number], k: Kernel) => (adapter === 'express' ? listenExpress(k, { port: 0 }) : k.listen({ port: 0 }));

describe.each(ADAPTERS)('readiness during close (%s)', (adapter) => {
  it('turns 503 the moment close() begins, while an in-flight request still finishes', async () => {
    const { kernel, inHandler, release } = await gatedKernel([health()]);
    const { url } = await start(adapter, kernel);
    const agent = new http.Agent({ keepAlive: true });
    expect(await get(agent, `${url}/health/ready`)).toMatchObject({ kind: 'answer', status: 200 });
    const inFlight = get(new http.Agent({ keepAlive: true }), `${url}/slow`);
    await inHandler;
    expect(kernel.closing).toBe(false);
    const closed = kernel.close();
    expect(kernel.closing).toBe(true);
    expect(kernel.close()).toBe(closed);
    // The probe's keep-alive connection is still open: the probe is answered, 503.
    const probe = await get(agent, `${url}/health/ready`);
    expect(probe).toMatchObject({ kind: 'answer', status: 503 });
    if (probe.kind !== 'answer') return;
    expect(probe.headers.connection).toBe('close');
    expect(probe.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(probe.body).code).toMatch(/^BURROW_ERR_(UNAVAILABLE_SHUTTING_DOWN|HEALTH_NOT_READY)$/);
    // A new connection during the grace period is answered, not reset: 503 and Connection: close.
    const fresh = await get(new http.Agent(), `${url}/health/live`);
    expect(fresh).toMatchObject({ kind: 'answer', status: 503 });
    if (fresh.kind === 'answer') expect(fresh.headers.connection).toBe('close');
    release();
    const served = await inFlight;
    expect(served).toMatchObject({ kind: 'answer', status: 200, body: '{"done":true}' });
    // Answered after the signal: it closes its connection.
    if (served.kind === 'answer') expect(served.headers.connection).toBe('close');
    await closed;
  });
});
