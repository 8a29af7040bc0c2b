import { describe, expect, it } from 'vitest';
import { createKernel, isBurrowError } from 'burrowjs';
import { defineService, services, type ServicesOptions } from 'burrowjs/plugins/services';

const json = (schema: unknown = { type: 'object' }) => ({ 'application/json': { schema } });
const ok = { '200': { description: 'ok', content: json() } };
const op = (operationId: string, binding: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  operationId,
  'x-burrow-service': binding,
  security: [],
  requestBody: { content: json() },
  responses: ok,
  ...extra,
});
const impl = () => ({ add: () => ({}), other: () => ({}) });

/** Boots and answers the problems of the BURROW_ERR_BOOT_CONFORMANCE it fails with. */
async function bootProblems(paths: Record<string, unknown>, options: ServicesOptions): Promise<string[]> {
  const error = await createKernel({
    contract: { openapi: '3.1.0', info: { title: 'boot', version: '1' }, components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } } }, paths } as never,
    contractCache: false,
    logger: { level: 'silent' },
    security: { basicAuth: () => ({ ok: true, principal: { id: '1' } }) },
    plugins: [services(options)],
  }).then(
    (kernel) => kernel.close().then(() => undefined),
    (e: unknown) => e,
  );
  if (!isBurrowError(error)) throw new Error(`expected a boot error, got ${String(error)}`);
  expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
  return (error.extensions?.problems as string[]) ?? [];
}

describe('services: boot problems, all reported at once', () => {
  it('names each operation that cannot be a service method, and each implementation without operations', async () => {
    const calculator = defineService('Calculator', { lifetime: 'shared', create: impl });
    const orphan = defineService('Orphan', { create: impl });
    const session = defineService('Cart', { lifetime: 'perSession', create: impl });
    const problems = await bootProblems(
      {
        '/calc/add': { post: op('calculatorAdd', { service: 'Calculator', method: 'add' }) },
        '/calc/plus': { post: op('calculatorPlus', { service: 'Calculator', method: 'add' }) },
        '/calc/unknown': { post: op('calculaterAdd', { service: 'Calculater', method: 'add' }) },
        '/calc/{id}/path': { post: op('calculatorPath', { service: 'Calculator', method: 'path' }, { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }) },
        '/calc/query': { post: op('calculatorQuery', { service: 'Calculator', method: 'query' }, { parameters: [{ name: 'x', in: 'query', schema: { type: 'string' } }] }) },
        '/calc/form': { post: op('calculatorForm', { service: 'Calculator', method: 'form' }, { requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } } }) },
        '/calc/two': { post: op('calculatorTwo', { service: 'Calculator', method: 'two' }, { responses: { ...ok, '201': { description: 'made', content: json() } } }) },
        '/calc/none': { post: op('calculatorNone', { service: 'Calculator', method: 'none' }, { responses: { '400': { description: 'no' } } }) },
        '/calc/text': { post: op('calculatorText', { service: 'Calculator', method: 'text' }, { responses: { '200': { description: 'text', content: { 'text/plain': { schema: { type: 'string' } } } } } }) },
        '/cart/add': { post: op('cartAdd', { service: 'Cart', method: 'add' }) },
        '/cart/other': { post: op('cartOther', { service: 'Cart', method: 'other' }, { security: [{ basicAuth: [] }] }) },
        '/bad/value': { post: op('badValue', { service: 'lowercase', extra: 1 }) },
      },
      { services: [calculator, orphan, session] },
    );
    const expected = [
      /POST \/calc\/plus \(calculatorPlus\): Calculator\.add is already the method of operation calculatorAdd/,
      /POST \/calc\/unknown \(calculaterAdd\): no defineService\('Calculater'\) is given to services\(\{ services \}\) \(did you mean Calculator\?\); services: Calculator, Orphan, Cart/,
      /POST \/calc\/\{id\}\/path \(calculatorPath\): a service method takes its input from the JSON request body only; it declares path parameter id/,
      /POST \/calc\/query \(calculatorQuery\): .* it declares query parameter x/,
      /POST \/calc\/form \(calculatorForm\): a service method's request body is application\/json; it declares application\/x-www-form-urlencoded/,
      /POST \/calc\/two \(calculatorTwo\): a service method declares exactly one 2xx response .*; it declares 200, 201/,
      /POST \/calc\/none \(calculatorNone\): a service method declares exactly one 2xx response .*; it declares none/,
      /POST \/calc\/text \(calculatorText\): the 200 response of a service method is application\/json .*; it declares text\/plain/,
      /POST \/cart\/add \(cartAdd\): Cart is perSession: .* the operation declares no security requirement/,
      /#\/paths\/~1bad~1value\/post\/x-burrow-service\/service: x-burrow-service must match pattern/,
      /#\/paths\/~1bad~1value\/post\/x-burrow-service\/extra: x-burrow-service must NOT have additional properties \(unknown property\)/,
      /defineService\('Orphan'\): no operation of the contract declares x-burrow-service: \{ service: Orphan \}$/,
      // The kernel's own consequence of the malformed value: nothing serves the operation.
      /POST \/bad\/value .*no handler for operation "badValue"/,
    ];
    for (const pattern of expected) expect(problems.some((p) => pattern.test(p)), `${pattern}\nin:\n${problems.join('\n')}`).toBe(true);
    // The operation whose security is declared is a fine method of Cart: no problem names it.
    expect(problems.filter((p) => p.includes('cartOther'))).toEqual([]);
    expect(problems, problems.join("\n")).toHaveLength(expected.length);
  });

  it('refuses x-burrow-service on the root of the contract', async () => {
    const error = await createKernel({
      contract: { openapi: '3.1.0', info: { title: 'root', version: '1' }, 'x-burrow-service': { service: 'Calc' }, paths: {} } as never,
      contractCache: false,
      logger: { level: 'silent' },
      plugins: [services({ jsonRpc: false })],
    }).catch((e: unknown) => e);
    expect(isBurrowError(error) && (error.extensions?.problems as string[]).join('\n')).toMatch(/x-burrow-service marks an operation as a service method; it means nothing on the root/);
  });
});

describe('services: options and defineService refuse bad input, naming it', () => {
  const boot = (options: unknown) =>
    createKernel({ contract: { openapi: '3.1.0', info: { title: 'o', version: '1' }, paths: {} } as never, contractCache: false, logger: { level: 'silent' }, plugins: [services(options as ServicesOptions)] }).catch((e: Error) => e);

  it.each([
    [{ services: 'x' }, /services must be an array/],
    [{ services: [{}] }, /services\[0\] is not a defineService/],
    [{ services: [defineService('A', { create: impl }), defineService('A', { create: impl })] }, /services: A is defined twice/],
    [{ idleTimeout: 0 }, /idleTimeout must be a positive number of seconds \(got 0\)/],
    [{ sweepInterval: -1 }, /sweepInterval must be a positive number/],
    [{ basePath: 'services/' }, /basePath must start with \/ and not end with one/],
    [{ jsonRpc: { path: 'rpc' } }, /jsonRpc.path must start with \//],
    [{ errors: [{}] }, /errors\[0\] is not a defineErrors/],
  ])('%j', async (options, message) => {
    const error = await boot(options);
    expect(error).toMatchObject({ code: 'BURROW_ERR_BOOT_PLUGIN_OPTIONS' });
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['calculator', {}, /"calculator" is not a service name/],
    ['Calc', { lifetime: 'perThread' }, /lifetime must be one of perCall, shared, clientDriven, perSession, perUser, perGroup \(got perThread\)/],
    ['Calc', { create: 'x' }, /create must be a function/],
    ['Calc', { idleTimeout: 0 }, /idleTimeout must be a positive number/],
    ['Calc', { timeout: 1.5 }, /timeout must be a positive integer of milliseconds/],
  ])('defineService(%s, %j)', (name, spec, message) => {
    expect(() => defineService(name, { create: impl, ...(spec as object) } as never)).toThrow(message);
  });
});
