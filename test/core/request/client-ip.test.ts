import { describe, expect, it } from 'vitest';
import { createKernel, type KernelOptions } from '../../../core/index.js';
import { FIXTURE } from '../../helpers.js';

/** A kernel whose hello handler answers the client address it sees in `ctx.ip`. */
async function kernelSeeingIp(trustProxy?: KernelOptions['trustProxy']) {
  let seen: string | undefined;
  const kernel = await createKernel({
    contract: FIXTURE,
    logger: { level: 'silent' },
    trustProxy,
    handlers: {
      hello: (ctx: any) => ((seen = ctx.ip), { status: 200, body: { hello: 'hi' } }),
      createItem: () => ({ status: 201, body: {} }),
      listItems: () => ({ status: 200, body: [] }),
      getItem: () => ({ status: 200, body: {} }),
    } as never,
  });
  // light-my-request's socket peer is 127.0.0.1.
  const ip = async (forwarded?: string) => {
    await kernel.inject({ url: '/hello', headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });
    return seen;
  };
  return { kernel, ip };
}

describe('ctx.ip and the trustProxy option', () => {
  it('is the socket peer by default: X-Forwarded-For written by an untrusted client is ignored', async () => {
    const { ip } = await kernelSeeingIp();
    expect(await ip('203.0.113.9')).toBe('127.0.0.1');
  });

  it('believes X-Forwarded-For from a trusted proxy, up to the nearest untrusted hop', async () => {
    const { ip } = await kernelSeeingIp(['loopback', '10.0.0.0/8']);
    expect(await ip('203.0.113.9')).toBe('203.0.113.9');
    // A client that forges an address before a real untrusted hop gets that hop, not the forgery.
    expect(await ip('198.51.100.1, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    expect(await ip()).toBe('127.0.0.1');
  });

  it('counts hops when given a number', async () => {
    const { ip } = await kernelSeeingIp(1);
    expect(await ip('198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
  });

  it('refuses an address list proxy-addr cannot read, at boot', async () => {
    await expect(kernelSeeingIp(['not-an-address'])).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_KERNEL_OPTION' });
  });
});

describe('kernel.route', () => {
  it('routes as the pipeline does, without serving', async () => {
    const { kernel } = await kernelSeeingIp();
    const found = kernel.route('GET', '/items/7');
    expect(found.kind === 'found' && [found.operation.id, found.params]).toEqual(['getItem', { id: '7' }]);
    expect(kernel.route('PATCH', '/items')).toMatchObject({ kind: 'method' });
    expect(kernel.route('GET', '/nowhere')).toEqual({ kind: 'none' });
    expect(kernel.closing).toBe(false);
    await kernel.close();
    expect(kernel.closing).toBe(true);
  });
});
