/**
 * A contract with one `hit` method per lifetime (and a few more), the auth plugin for
 * principals (Basic without sessions, bearer session tokens), and helpers to log in
 * and call. Each service instance answers its serial number, so tests see identity.
 */
import { createKernel, defineErrors, type Kernel } from 'burrowjs';
import { auth, basic, createPasswords, memoryUsers, session } from 'burrowjs/plugins/auth';
import { defineService, services, type Lifetime, type ServiceDefinition, type ServicesOptions } from 'burrowjs/plugins/services';

const passwords = createPasswords({ N: 2 ** 10 });
const hash = await passwords.hash('pass');

/** ada and bob are in g1, cyd in g2, nog in no group. Every password is `pass`. */
export const users = () =>
  memoryUsers([
    { id: 'u1', name: 'ada', passwordHash: hash, groups: ['g1'] },
    { id: 'u2', name: 'bob', passwordHash: hash, groups: ['g1'] },
    { id: 'u3', name: 'cyd', passwordHash: hash, groups: ['g2'] },
    { id: 'u4', name: 'nog', passwordHash: hash, groups: [] },
  ]);

const json = (schema: unknown) => ({ 'application/json': { schema } });
const HIT = { type: 'object', required: ['instance', 'hits'], properties: { instance: { type: 'integer' }, hits: { type: 'integer' }, principal: { type: ['string', 'null'] } } };
/** Any scheme of the contract, or none. */
export const OPTIONAL = [{ bearerAuth: [] }, { basicAuth: [] }, {}];
/** Any scheme of the contract. */
export const REQUIRED = [{ bearerAuth: [] }, { basicAuth: [] }];

/** An operation marked as `service.method`. */
export function method(service: string, name: string, security: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    operationId: `${service[0]!.toLowerCase()}${service.slice(1)}${name[0]!.toUpperCase()}${name.slice(1)}`,
    'x-burrow-service': { service, method: name },
    security,
    requestBody: { required: false, content: json({ type: 'object', properties: { wait: { type: 'boolean' } } }) },
    responses: { '200': { description: 'the instance and its hits', content: json(HIT) } },
    ...extra,
  };
}

/** The services of the harness by lifetime, and the operations that reach them. */
export const LIFETIME_SERVICES: Record<string, Lifetime> = { Each: 'perCall', Shared: 'shared', Driven: 'clientDriven', Session: 'perSession', User: 'perUser', Group: 'perGroup' };

/** The harness contract; `paths` adds or overrides operations. */
export function contract(paths: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const all: Record<string, Record<string, unknown>> = {};
  for (const [service, lifetime] of Object.entries(LIFETIME_SERVICES)) {
    const keyed = lifetime === 'perSession' || lifetime === 'perUser' || lifetime === 'perGroup';
    all[`/${service.toLowerCase()}/hit`] = { post: method(service, 'hit', keyed ? REQUIRED : OPTIONAL) };
  }
  // A keyed method that lets anonymous callers through its security: the lifetime refuses them.
  all['/user/anon-hit'] = { post: method('User', 'anonHit', OPTIONAL) };
  all['/calc/divide'] = {
    post: {
      operationId: 'calcDivide',
      'x-burrow-service': { service: 'Calc', method: 'divide' },
      security: [],
      requestBody: { required: true, content: json({ type: 'object', required: ['a', 'b'], properties: { a: { type: 'number' }, b: { type: 'number' } } }) },
      responses: { '200': { description: 'the quotient', content: json({ type: 'object', required: ['result'], properties: { result: { type: 'number' } } }) } },
    },
  };
  all['/calc/reset'] = { post: { operationId: 'calcReset', 'x-burrow-service': { service: 'Calc', method: 'reset' }, security: [], responses: { '204': { description: 'done' } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'services harness', version: '1' },
    components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' }, bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths: { ...all, ...paths },
  };
}

/** The calculator's own error codes. */
export const calcErrors = defineErrors({
  CALC_ERR_DIVISION_BY_ZERO: { status: 400, title: 'Division by zero', detail: 'cannot divide {a} by zero', means: 'b was 0.', do: 'Send another b.' },
});

/** What the hit services record. */
export interface Journal {
  created: { service: string; key: string | undefined; principal: string | undefined }[];
  disposed: { service: string; instance: number }[];
  /** Resolvers of calls waiting (`{ wait: true }`), in call order. */
  waiting: (() => void)[];
}

/** A hit service: each instance has a serial number and counts its hits; `{ wait: true }` holds the call until released. */
export function hitService(name: string, lifetime: Lifetime, journal: Journal, extra: Partial<{ idleTimeout: number; timeout: number }> = {}): ServiceDefinition {
  let serial = 0;
  return defineService(name, {
    lifetime,
    ...extra,
    create: ({ key, principal }) => {
      const instance = ++serial;
      let hits = 0;
      journal.created.push({ service: name, key, principal: principal?.id });
      const hit = async (input: { wait?: boolean } | undefined, call: { principal?: { id: string } }) => {
        hits++;
        if (input?.wait) await new Promise<void>((resolve) => journal.waiting.push(resolve));
        return { instance, hits, principal: call.principal?.id ?? null };
      };
      return {
        hit,
        anonHit: hit,
        dispose: async () => {
          await Promise.resolve();
          journal.disposed.push({ service: name, instance });
        },
      };
    },
  });
}

/** The Calc service (shared): divide with a coded error, reset answering 204. */
export const calc = defineService('Calc', {
  lifetime: 'shared',
  create: () => ({
    divide: ({ a, b }: { a: number; b: number }) => {
      if (b === 0) throw calcErrors.create('CALC_ERR_DIVISION_BY_ZERO', { a });
      return { result: a / b };
    },
    reset: () => undefined,
  }),
});

/** A kernel over the harness contract with the auth and services plugins. */
export async function servicesKernel(options: { journal?: Journal; paths?: Record<string, Record<string, unknown>>; services?: ServiceDefinition[]; plugin?: Partial<ServicesOptions> } = {}): Promise<Kernel> {
  const journal = options.journal ?? newJournal();
  const defined = options.services ?? Object.entries(LIFETIME_SERVICES).map(([name, lifetime]) => hitService(name, lifetime, journal));
  return createKernel({
    contract: contract(options.paths) as never,
    contractCache: false,
    logger: { level: 'silent' },
    plugins: [
      auth({ schemes: { basicAuth: basic(), bearerAuth: session() }, users: users(), password: { N: 2 ** 10 }, admin: false }),
      services({ services: [...defined, calc], errors: [calcErrors], ...options.plugin }),
    ],
  });
}

/** An empty journal. */
export function newJournal(): Journal {
  return { created: [], disposed: [], waiting: [] };
}

/** Basic credentials of a user (password `pass`). */
export const basicOf = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:pass`).toString('base64')}` });

/** Logs in (a new session each time); answers the bearer header. */
export async function bearerOf(kernel: Kernel, name: string): Promise<{ authorization: string }> {
  const res = await kernel.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: name, password: 'pass' }) });
  if (res.statusCode !== 200) throw new Error(`login of ${name}: ${res.statusCode} ${res.body}`);
  return { authorization: `Bearer ${res.json().token}` };
}

/** Calls `POST path` with a JSON body; answers status, body and headers. */
export async function post(kernel: Kernel, path: string, headers: Record<string, string> = {}, body: unknown = {}) {
  const res = await kernel.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers, type: res.headers['content-type'] };
}

/** Resolves with the next `service.instance.disposed` event of `service`. */
export function nextDisposed(kernel: Kernel, service: string): Promise<{ instanceId: string; reason: string }> {
  return new Promise((resolve) => {
    const off = kernel.events.on('service.instance.disposed', (event) => {
      if (event.service !== service) return;
      off();
      resolve(event);
    });
  });
}
