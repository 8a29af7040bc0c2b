import { describe, expect, it } from 'vitest';
import {
  createKernel,
  definePlugin,
  type BurrowError,
  type ExtensionBinder,
  type ExtensionSite,
  type KernelOptions,
  type OpenApiDocument,
  type RequestContext,
} from '../../../core/index.js';

/** `x-burrow-echo: { field }` — the operation answers `{ [field]: <the message it was sent> }`. */
const ECHO_SCHEMA = {
  type: 'object',
  required: ['field'],
  properties: { field: { type: 'string' } },
  additionalProperties: false,
};

/** A plugin binding `x-burrow-echo`; it records every site `bind` sees. */
function echoPlugin(name = 'echo', options: { handlerAtRoot?: boolean } = {}) {
  const sites: ExtensionSite<{ field: string }>[] = [];
  const binder: ExtensionBinder<{ field: string }> = {
    schema: ECHO_SCHEMA,
    bind(site) {
      sites.push(site);
      if (!site.operation && !options.handlerAtRoot) return undefined;
      return {
        handler: (ctx: RequestContext) => ({ status: 200, body: { [site.value.field]: (ctx.body as { message: string }).message } }),
      };
    },
  };
  const plugin = definePlugin({ name, setup: (kernel) => kernel.extensions.add('x-burrow-echo', binder) });
  return { plugin, sites };
}

/** POST /echo takes `{ message ≤ 10 chars }` and answers `{ echoed }`, nothing else; `echo: null` leaves the extension off. */
function echoContract(echo: unknown = { field: 'echoed' }, root: Record<string, unknown> = {}): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'echo', version: '1' },
    ...root,
    paths: {
      '/echo': {
        post: {
          operationId: 'echo',
          ...(echo === null ? {} : { 'x-burrow-echo': echo }),
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['message'], properties: { message: { type: 'string', maxLength: 10 } }, additionalProperties: false },
              },
            },
          },
          responses: {
            '200': {
              description: 'the echo',
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['echoed'], properties: { echoed: { type: 'string' } }, additionalProperties: false },
                },
              },
            },
          },
        },
      },
      '/ping': { get: { operationId: 'ping', responses: { '204': { description: 'pong' } } } },
    },
  };
}

const ping = () => ({ status: 204 });

const boot = (options: Partial<KernelOptions> & Pick<KernelOptions, 'contract'>) =>
  createKernel({ logger: { level: 'silent' }, contractCache: false, ...options });

const bootError = (options: Partial<KernelOptions> & Pick<KernelOptions, 'contract'>) =>
  boot(options).then(
    async (kernel) => {
      await kernel.close();
      throw new Error('the kernel booted');
    },
    (error: BurrowError) => error,
  );

const problemsOf = (error: BurrowError) => (error.extensions as { problems: string[] }).problems;

describe('extension binders', () => {
  it('serve an operation that has the extension and no app handler, with the handler bind returned', async () => {
    const { plugin, sites } = echoPlugin();
    const kernel = await boot({ contract: echoContract(), handlers: { ping }, plugins: [plugin] });
    const res = await kernel.inject({ method: 'POST', url: '/echo', payload: { message: 'hi' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ echoed: 'hi' });
    expect(sites.map((s) => [s.name, s.operation?.id, s.value, s.pointer])).toEqual([['x-burrow-echo', 'echo', { field: 'echoed' }, '/paths/~1echo/post/x-burrow-echo']]);
    expect(kernel.operations.get('echo')?.handler).toBeTypeOf('function');
    await kernel.close();
  });

  it('leave request validation in place for a bound operation: a bad body is a 400 and never reaches the handler', async () => {
    const { plugin } = echoPlugin();
    const kernel = await boot({ contract: echoContract(), handlers: { ping }, plugins: [plugin] });
    const res = await kernel.inject({ method: 'POST', url: '/echo', payload: { message: 'far too long for ten' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'BURROW_ERR_REQUEST_VALIDATION',
      errors: [{ in: 'body', pointer: '/message', message: 'must NOT have more than 10 characters' }],
    });
    await kernel.close();
  });

  it("leave response validation in place for a bound operation: a body the contract does not declare is a 500", async () => {
    const { plugin } = echoPlugin();
    // The binder answers `{ wrong: ... }`; the contract requires `echoed` and nothing else.
    const kernel = await boot({ contract: echoContract({ field: 'wrong' }), handlers: { ping }, plugins: [plugin] });
    const res = await kernel.inject({ method: 'POST', url: '/echo', payload: { message: 'hi' } });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('BURROW_ERR_RESPONSE_INVALID');
    expect(res.json().detail).toBe('the response of echo does not match the contract');
    await kernel.close();
  });

  it('refuse the boot when an app handler and a binding serve one operation, naming both owners', async () => {
    const { plugin } = echoPlugin();
    const error = await bootError({
      contract: echoContract(),
      handlers: { ping, echo: () => ({ status: 200, body: { echoed: 'app' } }) },
      plugins: [plugin],
    });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(error)).toEqual([
      'POST /echo (#/paths/~1echo/post): operation "echo" is served twice: by the handler registered by app and by x-burrow-echo, bound by plugin echo',
    ]);
  });

  it('refuse a malformed value, naming its JSON pointer, and never call bind for it', async () => {
    const { plugin, sites } = echoPlugin();
    const error = await bootError({ contract: echoContract({ field: 3, colour: 'red' }), handlers: { ping }, plugins: [plugin] });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(error)).toEqual(
      expect.arrayContaining([
        '#/paths/~1echo/post/x-burrow-echo/field: x-burrow-echo must be string',
        '#/paths/~1echo/post/x-burrow-echo/colour: x-burrow-echo must NOT have additional properties (unknown property)',
      ]),
    );
    expect(sites).toEqual([]);
  });

  it('bind a root-level use once, with operation undefined, and give every operation the root value', async () => {
    const { plugin, sites } = echoPlugin();
    const kernel = await boot({
      contract: echoContract(null, { 'x-burrow-echo': { field: 'echoed' } }),
      handlers: { ping, echo: (ctx: RequestContext) => ({ status: 200, body: { echoed: `app:${(ctx.body as { message: string }).message}` } }) },
      plugins: [plugin],
    });
    expect(sites.map((s) => [s.operation, s.value, s.pointer])).toEqual([[undefined, { field: 'echoed' }, '/x-burrow-echo']]);
    expect(kernel.operations.get('ping')?.extensions['x-burrow-echo']).toEqual({ field: 'echoed' });
    expect((await kernel.inject({ method: 'POST', url: '/echo', payload: { message: 'hi' } })).json()).toEqual({ echoed: 'app:hi' });
    await kernel.close();
  });

  it('refuse a handler returned for a root-level use: it could serve nothing', async () => {
    const { plugin } = echoPlugin('echo', { handlerAtRoot: true });
    const error = await bootError({ contract: echoContract(null, { 'x-burrow-echo': { field: 'echoed' } }), handlers: { ping, echo: ping }, plugins: [plugin] });
    expect(problemsOf(error)).toEqual(['#/x-burrow-echo: the binder of x-burrow-echo (plugin echo) returned a handler for a use that is not on an operation']);
  });

  it('fail the boot naming the plugin when bind throws', async () => {
    const plugin = definePlugin({
      name: 'fragile',
      setup: (kernel) =>
        kernel.extensions.add('x-burrow-echo', {
          schema: ECHO_SCHEMA,
          bind: () => {
            throw new Error('the table is missing');
          },
        }),
    });
    const error = await bootError({ contract: echoContract(), handlers: { ping }, plugins: [plugin] });
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_SETUP');
    expect(error.detail).toBe('plugin "fragile" failed to set up: binding x-burrow-echo at #/paths/~1echo/post/x-burrow-echo failed: the table is missing');
  });

  it('bind an operation that overrides a root-level use with its own value', async () => {
    const { plugin, sites } = echoPlugin();
    const kernel = await boot({
      contract: echoContract({ field: 'echoed' }, { 'x-burrow-echo': { field: 'root' } }),
      handlers: { ping },
      plugins: [plugin],
    });
    expect(sites.map((s) => [s.operation?.id, s.value])).toEqual([
      [undefined, { field: 'root' }],
      ['echo', { field: 'echoed' }],
    ]);
    expect(kernel.operations.get('echo')?.extensions['x-burrow-echo']).toEqual({ field: 'echoed' });
    expect(kernel.operations.get('ping')?.extensions['x-burrow-echo']).toEqual({ field: 'root' });
    await kernel.close();
  });

  it('refuse an extension used without a registered binder, listing the bound ones', async () => {
    const none = await bootError({ contract: echoContract(), handlers: { ping, echo: ping } });
    expect(none.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(none)).toEqual(['#/paths/~1echo/post/x-burrow-echo: x-burrow-echo is used, but no registered plugin binds it (bound extensions: none)']);

    const other = definePlugin({ name: 'other', setup: (k) => k.extensions.add('x-burrow-other', { schema: {}, bind: () => {} }) });
    const some = await bootError({ contract: echoContract(), handlers: { ping, echo: ping }, plugins: [other] });
    expect(problemsOf(some)).toEqual(['#/paths/~1echo/post/x-burrow-echo: x-burrow-echo is used, but no registered plugin binds it (bound extensions: x-burrow-other)']);
  });

  it('refuse an operation that has no handler when its binder returns none', async () => {
    const passive = definePlugin({ name: 'passive', setup: (k) => k.extensions.add('x-burrow-echo', { schema: ECHO_SCHEMA, bind: () => {} }) });
    const error = await bootError({ contract: echoContract(), handlers: { ping }, plugins: [passive] });
    expect(problemsOf(error)).toEqual(['POST /echo (#/paths/~1echo/post): no handler for operation "echo"']);
  });

  it('refuse a binder registered twice, naming both plugins', async () => {
    const first = echoPlugin('echo').plugin;
    const second = echoPlugin('echo-again').plugin;
    const error = await bootError({ contract: echoContract(), handlers: { ping }, plugins: [first, second] });
    expect(error.code).toBe('BURROW_ERR_BOOT_DUPLICATE');
    expect(error.detail).toBe('extension binder "x-burrow-echo" is registered twice: by plugin echo and by plugin echo-again');
  });

  it('refuse two binders that both serve one operation, naming both', async () => {
    const { plugin } = echoPlugin();
    const shout = definePlugin({
      name: 'shout',
      setup: (k) => k.extensions.add('x-burrow-shout', { schema: { const: true }, bind: () => ({ handler: () => ({ status: 200, body: { echoed: 'HI' } }) }) }),
    });
    const contract = echoContract();
    (contract.paths!['/echo'].post as Record<string, unknown>)['x-burrow-shout'] = true;
    const error = await bootError({ contract, handlers: { ping }, plugins: [plugin, shout] });
    expect(problemsOf(error)).toEqual([
      'POST /echo (#/paths/~1echo/post): operation "echo" is served twice: by x-burrow-echo, bound by plugin echo and by x-burrow-shout, bound by plugin shout',
    ]);
  });
});
