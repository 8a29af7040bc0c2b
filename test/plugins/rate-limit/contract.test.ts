import { afterEach, describe, expect, it } from 'vitest';
import { isBurrowError, type Kernel } from '../../../core/index.js';
import { rateLimit } from '../../../plugins/rate-limit/index.js';
import { openapiDocs } from '../../../plugins/openapi-docs/index.js';
import { limitContract, limitKernel } from './helpers.js';

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.close();
  kernel = undefined;
});

async function bootError(contract: Record<string, unknown>, options?: Parameters<typeof limitKernel>[1]) {
  try {
    kernel = await limitKernel(contract, options);
  } catch (error) {
    if (!isBurrowError(error)) throw error;
    return error;
  }
  throw new Error('the kernel booted');
}

describe('the served contract', () => {
  it('shows each limit: a sentence in the description, a 429 response, the RateLimit headers on 2xx', async () => {
    const contract = limitContract({ user: { points: 5, duration: '1m', key: 'principal', burst: { points: 2, duration: 1 }, exempt: ['admin'] }, keyed: false }, { points: 100, duration: 60 });
    (contract.paths as any)['/open'].get.description = 'Opens.';
    kernel = await limitKernel(contract, undefined, { plugins: [rateLimit(), openapiDocs()] });
    const res = await kernel.inject('/openapi.json');
    expect(res.statusCode).toBe(200);
    const served = res.json();
    const paths = served.paths as Record<string, any>;
    // Operations other plugins contribute get the root policy too.
    expect(paths['/openapi.json'].get.responses['429']).toEqual({ $ref: '#/components/responses/BurrowRateLimited' });
    expect(paths['/open'].get.description).toBe('Opens.\n\nRate limit: 100 requests per 60 s per client address ("api"). Past it: 429 with Retry-After.');
    expect(paths['/user'].get.description).toBe(
      'Rate limit: 5 requests per 60 s per authenticated caller (per client address when anonymous), with a burst of 2 more per 1 s (not counted for the groups admin) ("user"). Past it: 429 with Retry-After.',
    );
    expect(paths['/keyed'].get.description).toBeUndefined();
    expect(paths['/keyed'].get.responses['429']).toBeUndefined();
    expect(paths['/user'].get.responses['429']).toEqual({ $ref: '#/components/responses/BurrowRateLimited' });
    expect(paths['/user'].get.responses['200'].headers).toEqual({
      RateLimit: { $ref: '#/components/headers/BurrowRateLimit' },
      'RateLimit-Policy': { $ref: '#/components/headers/BurrowRateLimitPolicy' },
    });
    const components = served.components as Record<string, any>;
    expect(components.responses.BurrowRateLimited).toMatchObject({
      headers: { 'Retry-After': { $ref: '#/components/headers/BurrowRetryAfter' }, RateLimit: {}, 'RateLimit-Policy': {} },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/BurrowProblem' } } },
    });
    expect(Object.keys(components.headers)).toEqual(['BurrowRetryAfter', 'BurrowRateLimit', 'BurrowRateLimitPolicy']);
    // The extension itself stays in the served document.
    expect(served['x-burrow-rate-limit']).toEqual({ points: 100, duration: 60 });
    expect(paths['/keyed'].get['x-burrow-rate-limit']).toBe(false);
  });

  it('gives a shared ($ref) 2xx response a copy with the headers, leaving the component alone', async () => {
    const contract = limitContract({ open: { points: 1, duration: 60 } });
    (contract.components as any).responses = { Ok: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
    (contract.paths as any)['/open'].get.responses = { '200': { $ref: '#/components/responses/Ok' } };
    (contract.paths as any)['/other'].get.responses = { '200': { $ref: '#/components/responses/Ok' } };
    kernel = await limitKernel(contract);
    const paths = kernel.document.paths as Record<string, any>;
    expect(paths['/open'].get.responses['200']).toMatchObject({ description: 'ok', headers: { RateLimit: {}, 'RateLimit-Policy': {} } });
    expect(paths['/other'].get.responses['200']).toEqual({ $ref: '#/components/responses/Ok' });
    expect((kernel.document.components as any).responses.Ok.headers).toBeUndefined();
  });

  it('leaves the document alone when nothing is limited, and boots with no options', async () => {
    kernel = await limitKernel(limitContract());
    expect((kernel.document.components as any).responses.BurrowRateLimited).toBeUndefined();
    expect((await kernel.inject('/open')).headers.ratelimit).toBeUndefined();
  });

  it('applies the default option where the contract declares nothing', async () => {
    kernel = await limitKernel(limitContract({ open: { points: 3, duration: 10 }, other: false }), { default: { points: 1, duration: 60 } });
    expect((await kernel.inject('/open')).headers['ratelimit-policy']).toBe('"open";q=3;w=10');
    expect((await kernel.inject('/other')).headers['ratelimit-policy']).toBeUndefined();
    expect((await kernel.inject('/user')).headers['ratelimit-policy']).toBe('"default";q=1;w=60');
    expect((await kernel.inject('/user')).statusCode).toBe(429);
  });
});

describe('invalid values', () => {
  it('are refused at boot, each with its JSON pointer', async () => {
    const error = await bootError(
      limitContract(
        {
          open: { points: 0, duration: '1w', key: 'cookie' },
          other: { points: 1, duration: 60, extra: true },
          user: [],
          keyed: true,
        },
        { points: 1, duration: 60, burst: { points: 1, duration: 120 } },
      ),
    );
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    const problems = (error.extensions as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('#/paths/~1open/get/x-burrow-rate-limit/points: x-burrow-rate-limit must be >= 1');
    expect(problems).toContain('#/paths/~1open/get/x-burrow-rate-limit/duration: x-burrow-rate-limit must match pattern');
    expect(problems).toContain('#/paths/~1open/get/x-burrow-rate-limit/key: x-burrow-rate-limit must be equal to one of the allowed values');
    expect(problems).toContain('#/paths/~1other/get/x-burrow-rate-limit/extra: x-burrow-rate-limit must NOT have additional properties (unknown property)');
    expect(problems).toContain('#/paths/~1user/get/x-burrow-rate-limit: x-burrow-rate-limit must NOT have fewer than 1 items');
    expect(problems).toContain('#/paths/~1keyed/get/x-burrow-rate-limit: must be a policy');
    expect(problems).toContain('#/x-burrow-rate-limit/burst/duration: the burst window (120 s) is longer than the policy\'s (60 s)');
  });

  it('refuses a window the memory store cannot time, and two policies of one name that disagree', async () => {
    const error = await bootError(limitContract({ open: { points: 1, duration: '9999999d' }, user: { points: 1, duration: 60, name: 'shared' }, keyed: { points: 2, duration: 60, name: 'shared' } }));
    const problems = (error.extensions as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('#/paths/~1open/get/x-burrow-rate-limit/duration: must be whole seconds ≥ 1');
    expect(problems).toMatch(/#\/paths\/~1(keyed|user)\/get\/x-burrow-rate-limit: the rate-limit policy "shared" is also declared at #\/paths\/~1(keyed|user)\/get\/x-burrow-rate-limit with other values/);
  });

  it('shares one counter between operations whose policies have the same name and values', async () => {
    kernel = await limitKernel(limitContract({ open: { points: 1, duration: 60, name: 'shared' }, other: { points: 1, duration: 60, name: 'shared' } }));
    expect((await kernel.inject('/open')).statusCode).toBe(200);
    expect((await kernel.inject('/other')).statusCode).toBe(429);
  });

  it('refuses the extension on a path item', async () => {
    const contract = limitContract();
    (contract.paths as any)['/open']['x-burrow-rate-limit'] = { points: 1, duration: 60 };
    const error = await bootError(contract);
    expect((error.extensions as { problems: string[] }).problems).toContain('#/paths/~1open/x-burrow-rate-limit: x-burrow-rate-limit belongs on an operation or at the root of the document');
  });
});
