/**
 * Makes the limits visible in the served contract (Swagger UI shows them): each limited
 * operation gets a sentence in its description, a `429` response (problem+json with
 * `Retry-After` and the RateLimit headers) and the RateLimit headers on its 2xx
 * responses. Runs once at boot (onReady), on the composed document, before any request.
 */
import type { OpenApiDocument } from 'burrowjs';
import { describePolicies, type Policy } from './policy.js';

const HEADERS = {
  BurrowRetryAfter: {
    description: 'Seconds to wait before retrying (a whole number ≥ 1).',
    schema: { type: 'integer', minimum: 1 },
  },
  BurrowRateLimit: {
    description: 'What remains of each rate-limit policy (IETF draft-ietf-httpapi-ratelimit-headers): `"name";r=<requests left>;t=<seconds until the window resets>`.',
    schema: { type: 'string' },
    example: '"api";r=42;t=17',
  },
  BurrowRateLimitPolicy: {
    description: 'The rate-limit policies of the operation (IETF draft-ietf-httpapi-ratelimit-headers): `"name";q=<requests>;w=<window in seconds>`.',
    schema: { type: 'string' },
    example: '"api";q=100;w=60',
  },
};

type Json = Record<string, any>;

/** Adds the shared components (headers, the 429 response) the limited operations refer to; an app's component of the same name is kept. */
export function addComponents(document: OpenApiDocument, headers: boolean): void {
  const components = ((document as Json).components ??= {}) as Json;
  const headerSection = (components.headers ??= {}) as Json;
  for (const [name, header] of Object.entries(HEADERS)) headerSection[name] ??= header;
  const responseHeaders: Json = { 'Retry-After': { $ref: '#/components/headers/BurrowRetryAfter' } };
  if (headers) {
    responseHeaders.RateLimit = { $ref: '#/components/headers/BurrowRateLimit' };
    responseHeaders['RateLimit-Policy'] = { $ref: '#/components/headers/BurrowRateLimitPolicy' };
  }
  const responses = (components.responses ??= {}) as Json;
  responses.BurrowRateLimited ??= {
    description: 'Too many requests: a rate limit of the operation is exhausted (BURROW_ERR_RATELIMIT_EXCEEDED). Wait Retry-After seconds.',
    headers: responseHeaders,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/BurrowProblem' } } },
  };
}

/** Decorates one operation of the document with its policies. */
export function decorateOperation(document: OpenApiDocument, path: string, method: string, policies: readonly Policy[], headers: boolean): void {
  const operation = (document as Json).paths?.[path]?.[method] as Json | undefined;
  if (!operation) return;
  const sentence = describePolicies(policies);
  operation.description = typeof operation.description === 'string' && operation.description !== '' ? `${operation.description}\n\n${sentence}` : sentence;
  // A copy: the responses object may be shared with other operations (YAML anchors, a contract built in code).
  const responses = (operation.responses = { ...operation.responses }) as Json;
  responses['429'] ??= { $ref: '#/components/responses/BurrowRateLimited' };
  if (!headers) return;
  for (const [status, response] of Object.entries(responses)) {
    if (!status.startsWith('2')) continue;
    // A shared response ($ref) gets a copy of its own: the headers must not reach operations without a limit.
    const own = typeof response?.$ref === 'string' ? resolveResponse(document, response.$ref) : response;
    if (!own || typeof own !== 'object') continue;
    responses[status] = {
      ...own,
      headers: {
        ...own.headers,
        RateLimit: { $ref: '#/components/headers/BurrowRateLimit' },
        'RateLimit-Policy': { $ref: '#/components/headers/BurrowRateLimitPolicy' },
      },
    };
  }
}

function resolveResponse(document: OpenApiDocument, ref: string): Json | undefined {
  const prefix = '#/components/responses/';
  if (!ref.startsWith(prefix)) return undefined;
  const name = ref.slice(prefix.length).replace(/~1/g, '/').replace(/~0/g, '~');
  return (document as Json).components?.responses?.[name];
}
