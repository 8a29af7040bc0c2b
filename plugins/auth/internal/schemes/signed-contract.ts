/**
 * The contract of the signed-session login: two public operations under the
 * plugin's base path, and the schemas of their bodies. Errors answer the kernel's
 * `BurrowProblem` response.
 */

const PROBLEM = { $ref: '#/components/responses/BurrowProblem' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
const BASE64URL = '^[A-Za-z0-9_-]+$';

/** The operationIds the signed-session scheme contributes. */
export const SIGNED_OPERATIONS = { challenge: 'authSignedChallenge', login: 'authSignedLogin' } as const;

/** The paths of the two operations under `basePath` (`/auth`). */
export function signedPaths(basePath: string): { challenge: string; login: string } {
  return { challenge: `${basePath}/signed/challenge`, login: `${basePath}/signed/login` };
}

/** The OpenAPI `paths` of the challenge and login operations. */
export function signedPathItems(basePath: string, scheme: string): Record<string, unknown> {
  const paths = signedPaths(basePath);
  return {
    [paths.challenge]: {
      post: {
        operationId: SIGNED_OPERATIONS.challenge,
        summary: 'Start a signed-session login',
        description:
          `First step of the ${scheme} login: answers a single-use nonce, valid a few minutes, and the salt and ` +
          'scrypt parameters of the user\'s password hash so the client can derive the same key. The password is not sent. ' +
          'An unknown name gets a stable made-up salt: the answer never tells whether a user exists.',
        security: [],
        requestBody: { required: true, content: json('AuthSignedChallengeRequest') },
        responses: {
          '200': { description: 'The challenge', headers: noStore(), content: json('AuthSignedChallenge') },
          '400': PROBLEM,
        },
      },
    },
    [paths.login]: {
      post: {
        operationId: SIGNED_OPERATIONS.login,
        summary: 'Open a signed session',
        description:
          'Second step: `proof` = base64url(HMAC-SHA256(key = scrypt(password, salt, params), `${nonce}.${clientNonce}.${username}`)). ' +
          `Opens a session and answers its id and its signing key, which travels only in this response. Later requests carry ` +
          '`Authorization: Burrow-Signed sessionId=…, ts=…, nonce=…, sig=…`.',
        security: [],
        requestBody: { required: true, content: json('AuthSignedLoginRequest') },
        responses: {
          '200': { description: 'The session and its key', headers: noStore(), content: json('AuthSignedSession') },
          '400': PROBLEM,
          '401': PROBLEM,
          '429': PROBLEM,
        },
      },
    },
  };
}

function noStore() {
  return { 'Cache-Control': { description: '`no-store`: the answer holds a nonce or a key.', schema: { type: 'string' } } };
}

/** The `components.schemas` the paths refer to. */
export const signedSchemas: Record<string, unknown> = {
  AuthSignedChallengeRequest: {
    type: 'object',
    required: ['username'],
    additionalProperties: false,
    properties: { username: { type: 'string', minLength: 1, maxLength: 256 } },
  },
  AuthSignedChallenge: {
    type: 'object',
    required: ['nonce', 'salt', 'params'],
    properties: {
      nonce: { type: 'string', pattern: BASE64URL, description: 'Server nonce (32 random bytes, base64url), single use.' },
      salt: { type: 'string', pattern: BASE64URL, description: 'The salt of the password hash (base64url).' },
      params: {
        type: 'object',
        required: ['algorithm', 'N', 'r', 'p', 'keyLength'],
        properties: {
          algorithm: { type: 'string', enum: ['scrypt'] },
          N: { type: 'integer', minimum: 2 },
          r: { type: 'integer', minimum: 1 },
          p: { type: 'integer', minimum: 1 },
          keyLength: { type: 'integer', minimum: 16, description: 'Bytes of the derived key (the HMAC key of the proof).' },
        },
      },
    },
  },
  AuthSignedLoginRequest: {
    type: 'object',
    required: ['username', 'nonce', 'clientNonce', 'proof'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 256 },
      nonce: { type: 'string', pattern: BASE64URL, maxLength: 128 },
      clientNonce: { type: 'string', pattern: BASE64URL, minLength: 16, maxLength: 128 },
      proof: { type: 'string', pattern: BASE64URL, maxLength: 128 },
    },
  },
  AuthSignedSession: {
    type: 'object',
    required: ['sessionId', 'key', 'expiresIn', 'serverTime'],
    properties: {
      sessionId: { type: 'string' },
      key: { type: 'string', pattern: BASE64URL, description: 'The session\'s HMAC-SHA256 key (32 bytes, base64url).' },
      expiresIn: { type: 'integer', minimum: 0, description: 'Idle timeout of the session, in seconds.' },
      serverTime: { type: 'integer', description: 'The server clock (ms since epoch), to sync the client\'s.' },
    },
  },
};
