import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Kernel } from 'burrowjs';
import { defineService, type ServiceCall, type ServiceCallEvent } from 'burrowjs/plugins/services';
import { basicOf, hitService, LIFETIME_SERVICES, method, newJournal, OPTIONAL, post, servicesKernel } from './harness.js';

const opened: Kernel[] = [];
afterEach(async () => {
  for (const kernel of opened.splice(0)) await kernel.close();
});

/** The harness, with a Front service calling Calc.divide in-process, and its slow, timing-out method. */
async function kernelWithFront(): Promise<Kernel> {
  const front = defineService('Front', {
    lifetime: 'shared',
    timeout: 30,
    create: () => ({
      go: async (_input: unknown, call: ServiceCall) => call.services.get<{ divide: (input: { a: number; b: number }) => { result: number } }>('Calc').divide({ a: 6, b: 2 }),
      stall: () => new Promise(() => undefined),
    }),
  });
  const kernel = await servicesKernel({
    services: [...Object.entries(LIFETIME_SERVICES).map(([name, lifetime]) => hitService(name, lifetime, newJournal())), front],
    paths: { '/front/go': { post: method('Front', 'go', OPTIONAL, { responses: { '200': { description: 'the quotient', content: { 'application/json': { schema: { type: 'object' } } } } } }) }, '/front/stall': { post: method('Front', 'stall', OPTIONAL) } },
  });
  opened.push(kernel);
  return kernel;
}

/** Every `service.call` published from now on. */
function record(kernel: Kernel): ServiceCallEvent[] {
  const seen: ServiceCallEvent[] = [];
  kernel.events.on('service.call', (event) => void seen.push(event));
  return seen;
}

const strip = ({ durationMs, ...rest }: ServiceCallEvent) => {
  expect(durationMs).toBeGreaterThanOrEqual(0);
  return rest;
};

describe('services: the service.call event', () => {
  it('is published once per call that reached the method, by transport, with its outcome, code and principal', async () => {
    const kernel = await kernelWithFront();
    const seen = record(kernel);
    expect((await post(kernel, '/calc/divide', basicOf('ada'), { a: 1, b: 2 })).status).toBe(200);
    expect((await post(kernel, '/calc/divide', {}, { a: 1, b: 0 })).status).toBe(400);
    expect((await post(kernel, '/calc/divide', {}, { a: 1 })).status).toBe(400); // invalid body: the method never runs
    await kernel.events.idle();
    expect(seen.map(strip)).toEqual([
      { service: 'Calc', method: 'divide', operationId: 'calcDivide', transport: 'rest', ok: true },
      { service: 'Calc', method: 'divide', operationId: 'calcDivide', transport: 'rest', ok: false, code: 'CALC_ERR_DIVISION_BY_ZERO' },
    ]);
    // Calc.divide's operation has `security: []`: Basic credentials are not read, so no principal. Shared.hit's are.
    expect((await post(kernel, '/shared/hit', basicOf('ada'))).status).toBe(200);
    await kernel.events.idle();
    expect(seen.slice(2).map(strip)).toEqual([{ service: 'Shared', method: 'hit', operationId: 'sharedHit', transport: 'rest', ok: true, principalId: 'u1' }]);

    seen.length = 0;
    await post(kernel, '/rpc', {}, { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 4, b: 2 }, id: 1 });
    const batch = await post(kernel, '/rpc', basicOf('bob'), [
      { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 4, b: 0 }, id: 2 },
      { jsonrpc: '2.0', method: 'Shared.hit' },
      { jsonrpc: '2.0', method: 'Calc.nope', id: 3 },
    ]);
    expect(batch.body).toHaveLength(2);
    await kernel.events.idle();
    const byMethod = (a: { method: string; ok: boolean }, b: { method: string; ok: boolean }) => `${a.method}${a.ok}`.localeCompare(`${b.method}${b.ok}`);
    expect(seen.map(strip).sort(byMethod)).toEqual([
      { service: 'Calc', method: 'divide', operationId: 'calcDivide', transport: 'jsonrpc', ok: false, code: 'CALC_ERR_DIVISION_BY_ZERO' },
      { service: 'Calc', method: 'divide', operationId: 'calcDivide', transport: 'jsonrpc', ok: true },
      { service: 'Shared', method: 'hit', operationId: 'sharedHit', transport: 'jsonrpc', ok: true, principalId: 'u2' },
    ]);

    seen.length = 0;
    expect((await post(kernel, '/front/go')).body).toEqual({ result: 3 });
    expect((await post(kernel, '/front/stall')).status).toBe(503);
    await kernel.events.idle();
    expect(seen.map(strip)).toEqual([
      { service: 'Calc', method: 'divide', operationId: 'calcDivide', transport: 'inproc', ok: true },
      { service: 'Front', method: 'go', operationId: 'frontGo', transport: 'rest', ok: true },
      { service: 'Front', method: 'stall', operationId: 'frontStall', transport: 'rest', ok: false, code: 'BURROW_ERR_SERVICE_TIMEOUT' },
    ]);
    expect(seen[2]!.durationMs).toBeGreaterThanOrEqual(25);
  });

  it('is not built or published while nobody subscribes', async () => {
    const kernel = await kernelWithFront();
    const emit = vi.spyOn(kernel.events, 'emit');
    const calls = () => emit.mock.calls.filter(([name]) => name === 'service.call').length;
    await post(kernel, '/calc/divide', {}, { a: 1, b: 2 });
    await post(kernel, '/rpc', {}, { jsonrpc: '2.0', method: 'Calc.divide', params: { a: 4, b: 2 }, id: 1 });
    expect(calls()).toBe(0);
    const off = kernel.events.on('service.call', () => undefined);
    await post(kernel, '/calc/divide', {}, { a: 1, b: 2 });
    expect(calls()).toBe(1);
    off();
    await post(kernel, '/calc/divide', {}, { a: 1, b: 2 });
    expect(calls()).toBe(1);
  });
});
