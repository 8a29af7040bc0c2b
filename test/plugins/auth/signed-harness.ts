/**
 * A server for the signed-session tests: a small contract whose operations are
 * secured by `signedAuth` (`type: http, scheme: Burrow-Signed`), served over real
 * HTTP by the auth plugin with `signed()` and memory stores.
 */
import { createKernel, type Kernel, type OpenApiDocument, type RequestContext } from 'burrowjs';
import { auth, memorySessions, memoryUsers, signed, type MemoryUser, type Principal, type SessionStore, type SignedOptions } from 'burrowjs/plugins/auth';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const echo = { type: 'object', additionalProperties: true };
const secured = [{ signedAuth: [] }];

/** The contract: list, read and create things, all signed. */
export function signedContract(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Signed-session fixture', version: '1.0.0' },
    paths: {
      '/things': {
        get: {
          operationId: 'listThings',
          security: secured,
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string' } },
            { name: 'page', in: 'query', schema: { type: 'integer' } },
          ],
          responses: { '200': { description: 'ok', content: json(echo) } },
        },
        post: {
          operationId: 'createThing',
          security: secured,
          requestBody: {
            required: true,
            content: json({ type: 'object', required: ['title'], properties: { title: { type: 'string' }, done: { type: 'boolean', default: false } } }),
          },
          responses: { '201': { description: 'created', content: json(echo) } },
        },
      },
      '/things/{id}': {
        get: {
          operationId: 'getThing',
          security: secured,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { '200': { description: 'ok', content: json(echo) } },
        },
      },
      '/notes': {
        put: {
          operationId: 'putNote',
          security: secured,
          requestBody: { required: true, content: { 'text/plain': { schema: { type: 'string' } } } },
          responses: { '200': { description: 'ok', content: json(echo) } },
        },
      },
    },
    components: { securitySchemes: { signedAuth: { type: 'http', scheme: 'Burrow-Signed' } } },
  } as OpenApiDocument;
}

const who = (ctx: RequestContext) => {
  const principal = ctx.state.principal as Principal;
  return { id: principal.id, name: principal.name, scheme: principal.scheme, sessionId: principal.sessionId };
};

/** What a test gets: the server's URL, its session store, and how to stop it. */
export interface SignedServer {
  kernel: Kernel;
  url: string;
  sessions: SessionStore;
  close(): Promise<void>;
}

/** Starts the fixture on a free port with the auth plugin (`signed()`), users in memory and cheap scrypt. */
export async function startSignedServer(input: { users: MemoryUser[]; signed?: SignedOptions; attempts?: number }): Promise<SignedServer> {
  const sessions = memorySessions();
  const kernel = await createKernel({
    contract: signedContract(),
    logger: { level: 'error' },
    plugins: [
      auth({
        schemes: { signedAuth: signed(input.signed) },
        users: memoryUsers(input.users),
        sessions,
        lockout: { attempts: input.attempts ?? 3, duration: 60 },
        admin: false,
        password: { N: 2 ** 10, r: 8, p: 1 },
      }),
    ],
    handlers: {
      listThings: (ctx: RequestContext) => ({ status: 200, body: { who: who(ctx), query: ctx.query } }),
      getThing: (ctx: RequestContext) => ({ status: 200, body: { who: who(ctx), id: ctx.params.id } }),
      createThing: (ctx: RequestContext) => ({ status: 201, body: { who: who(ctx), body: ctx.body } }),
      putNote: (ctx: RequestContext) => ({ status: 200, body: { who: who(ctx), text: ctx.body } }),
    } as never,
  });
  const { url } = await kernel.listen({ port: 0 });
  return { kernel, url, sessions, close: () => kernel.close() };
}
