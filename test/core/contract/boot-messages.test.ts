import { describe, expect, it } from 'vitest';
import { createKernel, definePlugin, type BurrowError, type KernelOptions, type OpenApiDocument } from '../../../core/index.js';

const BOOT = 'test/fixtures/boot';

const bootError = (options: Partial<KernelOptions> & Pick<KernelOptions, 'contract'>) =>
  createKernel({ logger: { level: 'silent' }, contractCache: false, ...options }).then(
    async (kernel) => {
      await kernel.close();
      throw new Error('the kernel booted');
    },
    (error: BurrowError) => error,
  );

const problemsOf = (error: BurrowError) => (error.extensions as { problems: string[] }).problems;

/** The contract of the README's example. */
const greetings = (extra: Partial<OpenApiDocument> = {}, paths: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 'Greetings', version: '1.0.0' },
  ...extra,
  paths: {
    '/greetings/{name}': {
      get: {
        operationId: 'greet',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', maxLength: 40 } }],
        responses: { '200': { description: 'A greeting.', content: { 'application/json': { schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } } } } },
      },
    },
    ...paths,
  },
});

const greet = () => ({ status: 200, body: { text: 'hi' } });
const noContent = (operationId: string) => ({ get: { operationId, responses: { '204': { description: 'nothing' } } } });

/** A detail meant for people: no stack frame, no dump of the foreign error it was made from. */
function expectReadable(detail: string) {
  expect(detail).not.toMatch(/\n\s+at /);
  expect(detail).not.toMatch(/JSONParserErrorGroup|ResolverError|MissingPointerError|ParserError|\[object Object\]/);
  expect(detail).not.toContain(process.cwd());
}

describe('boot messages: contracts that cannot be read', () => {
  it('names the file and JSON pointer of a $ref to a missing file, and the ref as written', async () => {
    const error = await bootError({ contract: `${BOOT}/missing-file/api.yaml` });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toBe(
      'the contract could not be read:\n' +
        `  - ${BOOT}/missing-file/paths.yaml#/greeting/get/responses/200/content/application~1json/schema: $ref "./schemas/greeting.yaml" names a file that cannot be read`,
    );
    expectReadable(error.detail);
  });

  it('names the file and JSON pointer of a $ref to a missing location inside an existing file, and that file', async () => {
    const error = await bootError({ contract: `${BOOT}/missing-location/api.yaml` });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toBe(
      'the contract could not be read:\n' +
        `  - ${BOOT}/missing-location/paths.yaml#/greeting/get/responses/200/content/application~1json/schema: ` +
        `$ref "./schemas.yaml#/Greeting" points at a location that does not exist in ${BOOT}/missing-location/schemas.yaml`,
    );
    expectReadable(error.detail);
  });

  it('names the file with a YAML syntax error, at the root', async () => {
    const error = await bootError({ contract: `${BOOT}/bad-yaml/root.yaml` });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toBe(
      `the contract could not be read:\n  - ${BOOT}/bad-yaml/root.yaml: is not valid YAML or JSON: missed comma between flow collection entries (3:1)`,
    );
    expectReadable(error.detail);
  });

  it('names the file with a YAML syntax error reached through a $ref, and the $ref that reaches it', async () => {
    const error = await bootError({ contract: `${BOOT}/bad-yaml/api.yaml` });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toBe(
      'the contract could not be read:\n' +
        `  - ${BOOT}/bad-yaml/paths.yaml: is not valid YAML or JSON: unexpected end of the stream within a flow collection (6:1) ` +
        `($ref "./paths.yaml#/greeting" at ${BOOT}/bad-yaml/api.yaml#/paths/~1greetings~1{name})`,
    );
    expectReadable(error.detail);
  });

  it('names a contract file that does not exist, without calling it a $ref', async () => {
    const error = await bootError({ contract: `${BOOT}/nowhere.yaml` });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toBe(`the contract could not be read:\n  - ${BOOT}/nowhere.yaml: cannot be read (no such file)`);
    expectReadable(error.detail);
  });

  it('names the files relative to the working directory when an inline document has a relative $ref', async () => {
    const error = await bootError({
      contract: { openapi: '3.1.0', info: { title: 'inline', version: '1' }, paths: { '/greetings/{name}': { $ref: `./${BOOT}/missing-location/paths.yaml#/greeting` } } },
    });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    // The ref text is not known for an inline document (its files are not kept): the file and pointer are.
    const [head, tail] = error.detail.split(/ \$ref "[^"]*" /);
    expect(head).toBe(`the contract could not be read:\n  - ${BOOT}/missing-location/paths.yaml#/greeting/get/responses/200/content/application~1json/schema:`);
    expect(tail).toBe(`points at a location that does not exist in ${BOOT}/missing-location/schemas.yaml`);
    expectReadable(error.detail);
  });
});

describe('boot messages: contract and code that disagree', () => {
  it('names an operation without a handler as GET /path, with its pointer and operationId', async () => {
    const error = await bootError({ contract: greetings() });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(error)).toEqual(['GET /greetings/{name} (#/paths/~1greetings~1{name}/get): no handler for operation "greet"']);
    expect(error.detail).toBe(
      'Burrow refuses to start: 1 problem(s) between the contract and the code:\n' +
        '  - GET /greetings/{name} (#/paths/~1greetings~1{name}/get): no handler for operation "greet"',
    );
  });

  it('suggests the near-miss operationId for a stray handler', async () => {
    const error = await bootError({ contract: greetings(), handlers: { gret: greet } });
    expect(problemsOf(error)).toEqual([
      'GET /greetings/{name} (#/paths/~1greetings~1{name}/get): no handler for operation "greet"',
      'handler "gret" has no operation in the contract; did you mean "greet"?',
    ]);
  });

  it('suggests nothing for a handler name far from every operationId', async () => {
    const error = await bootError({ contract: greetings(), handlers: { greet, deleteEverything: greet } });
    expect(problemsOf(error)).toEqual(['handler "deleteEverything" has no operation in the contract']);
  });

  it('suggests the near-miss scheme for a verifier of an unknown security scheme', async () => {
    const error = await bootError({
      contract: greetings({ components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } } }),
      handlers: { greet },
      security: { bearerAuth: () => ({ principal: 'x' }), bearerAuht: () => ({ principal: 'x' }) } as never,
    });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(error)).toEqual(['verifier "bearerAuht" has no security scheme in the contract; did you mean "bearerAuth"?']);
  });

  it('lists /a and /a/ in one contract as a route conflict', async () => {
    const error = await bootError({ contract: greetings({}, { '/a': noContent('getA'), '/a/': noContent('getASlash') }), handlers: { greet, getA: greet, getASlash: greet } });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(error)).toEqual([
      'GET /a/ (#/paths/~1a~1/get): GET /a/ and GET /a route to the same requests (a trailing slash is ignored when routing) (BURROW_ERR_BOOT_ROUTE_CONFLICT)',
    ]);
  });

  it('lists /{id} and /{name} at one position as a route conflict', async () => {
    const error = await bootError({
      contract: greetings(
        {},
        {
          '/items/{id}': noContent('getItem'),
          '/items/{name}': { delete: { operationId: 'deleteItem', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { '204': { description: 'gone' } } } },
        },
      ),
      handlers: { greet, getItem: greet, deleteItem: greet },
    });
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(problemsOf(error)).toEqual([
      'DELETE /items/{name} (#/paths/~1items~1{name}/delete): paths /items/{name} and /items/{id} cannot be told apart: {name} and {id} are at the same position (give the parameters one name) (BURROW_ERR_BOOT_ROUTE_CONFLICT)',
    ]);
  });

  it('lists every problem at once: conflict, missing handler and stray handler', async () => {
    const error = await bootError({ contract: greetings({}, { '/a': noContent('getA'), '/a/': noContent('getASlash') }), handlers: { getA: greet, getASlash: greet, gret: greet } });
    expect(problemsOf(error)).toEqual([
      'GET /a/ (#/paths/~1a~1/get): GET /a/ and GET /a route to the same requests (a trailing slash is ignored when routing) (BURROW_ERR_BOOT_ROUTE_CONFLICT)',
      'GET /greetings/{name} (#/paths/~1greetings~1{name}/get): no handler for operation "greet"',
      'handler "gret" has no operation in the contract; did you mean "greet"?',
    ]);
    expect(error.detail).toMatch(/^Burrow refuses to start: 3 problem\(s\) between the contract and the code:\n {2}- /);
  });
});

describe('boot messages: plugins', () => {
  it('names a plugin whose setup throws a plain Error, keeping the error as cause', async () => {
    const failure = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const db = definePlugin({
      name: 'db',
      setup() {
        throw failure;
      },
    });
    const error = await bootError({ contract: greetings(), handlers: { greet }, plugins: [db] });
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_SETUP');
    expect(error.detail).toBe('plugin "db" failed to set up: connect ECONNREFUSED 127.0.0.1:5432');
    expect(error.cause).toBe(failure);
  });

  it('names a plugin whose async setup rejects with something that is not an Error', async () => {
    const db = definePlugin({ name: 'db', setup: () => Promise.reject('timeout') });
    const error = await bootError({ contract: greetings(), handlers: { greet }, plugins: [db] });
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_SETUP');
    expect(error.detail).toBe('plugin "db" failed to set up: timeout');
  });

  it('refuses a hook added to an unknown phase, listing the phases', async () => {
    const typo = definePlugin({ name: 'typo', setup: (kernel) => kernel.hooks.add('onRequset' as 'onRequest', () => {}) });
    const error = await bootError({ contract: greetings(), handlers: { greet }, plugins: [typo] });
    expect(error.code).toBe('BURROW_ERR_BOOT_HOOK_PHASE_UNKNOWN');
    expect(error.detail).toBe('unknown hook phase "onRequset"; phases are: aroundRequest, onRequest, postRouting, postSecurity, preHandler, onSend, onResponse, onError, onReady, onClose');
  });

  it.each(['document', 'operations'] as const)('refuses kernel.%s read during setup: it exists only after boot', async (member) => {
    const eager = definePlugin({ name: 'eager', setup: (kernel) => void kernel[member] });
    const error = await bootError({ contract: greetings(), handlers: { greet }, plugins: [eager] });
    expect(error.code).toBe('BURROW_ERR_KERNEL_NOT_READY');
    expect(error.detail).toBe(`kernel.${member} is only available after createKernel() resolves`);
  });

  it('refuses kernel.inject() during setup', async () => {
    const eager = definePlugin({ name: 'eager', setup: async (kernel) => void (await kernel.inject('/greetings/x')) });
    const error = await bootError({ contract: greetings(), handlers: { greet }, plugins: [eager] });
    expect(error.code).toBe('BURROW_ERR_KERNEL_NOT_READY');
    expect(error.detail).toBe('kernel.inject is only available after createKernel() resolves');
  });

  it('lets a plugin read kernel.document in an onReady hook', async () => {
    let title: unknown;
    const later = definePlugin({ name: 'later', setup: (kernel) => kernel.hooks.add('onReady', () => void (title = kernel.document.info.title)) });
    const kernel = await createKernel({ contract: greetings(), contractCache: false, logger: { level: 'silent' }, handlers: { greet }, plugins: [later] });
    expect(title).toBe('Greetings');
    await kernel.close();
  });
});
