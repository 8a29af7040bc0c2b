/**
 * A server for the client's auth helpers: one contract whose operations accept every
 * scheme kind of the auth plugin (Basic, session bearer, API keys in a header, the
 * query and a cookie, signed sessions), over real HTTP with users in memory and cheap scrypt.
 */
import { createKernel, type Kernel, type OpenApiDocument, type RequestContext } from 'burrowjs';
import { apiKey, auth, basic, hashApiKey, memoryUsers, session, signed, type Principal } from 'burrowjs/plugins/auth';

/** The key the API-key schemes accept. */
export const API_KEY = 'bk_client-test-key-0123456789';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const echo = { type: 'object', additionalProperties: true };
const security = ['basicAuth', 'bearerAuth', 'keyHeader', 'keyQuery', 'keyCookie', 'signedAuth'].map((name) => ({ [name]: [] }));

function authContract(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Client auth fixture', version: '1.0.0' },
    security,
    paths: {
      '/things': {
        get: {
          operationId: 'listThings',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string' } },
            { name: 'page', in: 'query', schema: { type: 'integer' } },
          ],
          responses: { '200': { description: 'who and what', content: json(echo) } },
        },
        post: {
          operationId: 'createThing',
          requestBody: { required: true, content: json({ type: 'object', required: ['title'], properties: { title: { type: 'string' } } }) },
          responses: { '201': { description: 'who and what', content: json(echo) } },
        },
      },
    },
    components: {
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic' },
        bearerAuth: { type: 'http', scheme: 'bearer' },
        keyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        keyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
        keyCookie: { type: 'apiKey', in: 'cookie', name: 'burrow_key' },
        signedAuth: { type: 'http', scheme: 'Burrow-Signed' },
      },
    },
  } as OpenApiDocument;
}

const who = (ctx: RequestContext) => {
  const principal = ctx.state.principal as Principal;
  return { name: principal.name, scheme: principal.scheme, sessionId: principal.sessionId };
};

/** What a test gets: the URL and how to stop. */
export interface AuthServer {
  kernel: Kernel;
  url: string;
  close(): Promise<void>;
}

/** Starts the fixture on a free port; users `ada` / `correct horse` and `zoë` / `pässwörd`. */
export async function startAuthServer(): Promise<AuthServer> {
  const keys = apiKey({ keys: [{ name: 'robot', hash: hashApiKey(API_KEY) }] });
  const kernel = await createKernel({
    contract: authContract(),
    logger: { level: 'error' },
    plugins: [
      auth({
        schemes: { basicAuth: basic(), bearerAuth: session(), keyHeader: keys, keyQuery: keys, keyCookie: keys, signedAuth: signed({ secret: 'client-test-secret-0123456789abcdef' }) },
        users: memoryUsers([
          { name: 'ada', password: 'correct horse' },
          { name: 'zoë', password: 'pässwörd' },
        ]),
        lockout: { attempts: 50, duration: 60 },
        password: { N: 2 ** 10 },
        admin: false,
      }),
    ],
    handlers: {
      listThings: (ctx: RequestContext) => ({ status: 200, body: { who: who(ctx), query: ctx.query } }),
      createThing: (ctx: RequestContext) => ({ status: 201, body: { who: who(ctx), body: ctx.body } }),
    } as never,
  });
  const { url } = await kernel.listen({ port: 0 });
  return { kernel, url, close: () => kernel.close() };
}
