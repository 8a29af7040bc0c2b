import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, defineErrors, type Kernel } from 'burrowjs';
import { defineService, services } from 'burrowjs/plugins/services';
import { ProblemError, type BurrowClient, type ClientOptions, type ServiceClients } from 'burrowjs/client';
import { writeClient } from '../../cli/client.js';

/**
 * The client `burrow client` writes, against the services plugin serving the same
 * contract over real HTTP: a shared Calculator with a coded error, a clientDriven Tally.
 */
const CONTRACT = 'test/client/fixtures/services.yaml';

const calcErrors = defineErrors({
  CALC_ERR_DIVISION_BY_ZERO: { status: 422, title: 'Division by zero', detail: 'cannot divide {a} by zero' },
});

type Operands = { a: number; b: number };
const calculator = defineService('Calculator', {
  lifetime: 'shared',
  create: () => ({
    add: ({ a, b }: Operands) => ({ result: a + b }),
    divide: ({ a, b }: Operands) => {
      if (b === 0) throw calcErrors.create('CALC_ERR_DIVISION_BY_ZERO', { a: String(a) });
      return { result: a / b };
    },
    reset: () => undefined,
  }),
});
const tally = defineService('Tally', {
  lifetime: 'clientDriven',
  create: () => {
    let total = 0;
    return { add: ({ n }: { n: number }) => ({ total: (total += n) }) };
  },
});
const disposed: string[] = [];

/** What the generated index.ts exports, for the calls below (test/cli/client.test.ts type-checks the real thing). */
interface Generated {
  createApiClient(options: Omit<ClientOptions, 'services'>): BurrowClient<Record<string, never>, ServiceClients<Services>>;
}
interface Services {
  Calculator: { add(input: Operands, call: never): { result: number }; divide(input: Operands, call: never): { result: number }; reset(input: undefined, call: never): void };
  Tally: { add(input: { n: number }, call: never): { total: number } };
}

const dir = mkdtempSync(path.join(tmpdir(), 'burrow-client-e2e-'));
let kernel: Kernel;
let url: string;
let generated: Generated;

beforeAll(async () => {
  await writeClient(CONTRACT, dir);
  generated = (await import(pathToFileURL(path.join(dir, 'index.ts')).href)) as Generated;
  kernel = await createKernel({
    contract: CONTRACT,
    logger: { level: 'error' },
    plugins: [services({ services: [calculator, tally], errors: [calcErrors] })],
    handlers: { health: () => ({ status: 200, body: { ok: true } }) } as never,
  });
  kernel.events.on('service.instance.disposed' as never, ((event: { instanceId: string }) => void disposed.push(event.instanceId)) as never);
  ({ url } = await kernel.listen({ port: 0 }));
});
afterAll(async () => {
  await kernel?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the generated client against the services plugin', () => {
  it('calls a shared service and gets its results; a 204 method resolves to undefined', async () => {
    const api = generated.createApiClient({ baseUrl: url });
    await expect(api.services.Calculator.add({ a: 10, b: 5 })).resolves.toEqual({ result: 15 });
    await expect(api.services.Calculator.divide({ a: 9, b: 3 })).resolves.toEqual({ result: 3 });
    await expect(api.services.Calculator.reset()).resolves.toBeUndefined();
  });

  it("rejects a service's coded error as a ProblemError with its code", async () => {
    const error = (await generated.createApiClient({ baseUrl: url }).services.Calculator.divide({ a: 1, b: 0 }).catch((e: unknown) => e)) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 422, code: 'CALC_ERR_DIVISION_BY_ZERO' });
    expect(error.problem.detail).toBe('cannot divide 1 by zero');
  });

  it('keeps a clientDriven instance across calls, and release() disposes it on the server', async () => {
    const { Tally } = generated.createApiClient({ baseUrl: url }).services;
    await expect(Tally.add({ n: 2 })).resolves.toEqual({ total: 2 });
    const id = Tally.instance();
    expect(id).toBeTypeOf('string');
    await expect(Tally.add({ n: 3 })).resolves.toEqual({ total: 5 });
    expect(Tally.instance()).toBe(id);
    await Tally.release();
    expect(Tally.instance()).toBeUndefined();
    expect(disposed).toContain(id);
    await expect(Tally.add({ n: 1 })).resolves.toEqual({ total: 1 });
    expect(Tally.instance()).not.toBe(id);
  });

  it('an instance id the server does not know answers BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND', async () => {
    const api = generated.createApiClient({ baseUrl: url });
    const { response, error } = await api.POST('/tally/add' as never, { params: { header: { 'X-Burrow-Instance': 'nope' } }, body: { n: 1 } } as never);
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 'BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND' });
  });

  it('the typed openapi-fetch calls reach the plain operations', async () => {
    const { data } = await generated.createApiClient({ baseUrl: url }).GET('/health' as never);
    expect(data).toEqual({ ok: true });
  });
});
