import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogger, redact, type LoggerOptions } from '../../../core/index.js';
import { fixtureKernel, memoryLogger } from '../../helpers.js';

/**
 * Burrow's own logger, its console transport swapped for winston's Stream transport
 * writing to a stream the test reads back: the lines exactly as they would be written.
 */
function loggerWritingTo(format: NonNullable<LoggerOptions['format']>) {
  const logger = createLogger({ level: 'info', format });
  const stream = new PassThrough();
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  logger.clear();
  logger.add(new winston.transports.Stream({ stream }));
  /** Resolves with everything written once the transport has flushed. */
  const output = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return written;
  };
  return { logger, output };
}

/** One log line with a secret at every depth and under every spelling Burrow promises to catch. */
const SECRETS = {
  Authorization: 'Bearer top-level-bearer',
  request: {
    headers: { authorization: 'Basic dXNlcjpwYXNz', cookie: 'sid=cookie-value', 'set-cookie': ['sid=set-cookie-value'], 'x-api-key': 'header-api-key', accept: '*/*' },
  },
  user: { name: 'ada', password: 'hunter2', passwd: 'old-hunter', credentials: { apiKey: 'camel-api-key', api_key: 'snake-api-key' } },
  grants: [{ id: 1, refresh_token: 'refresh-token-value' }, { id: 2, accessToken: 'access-token-value' }],
  deep: { a: { b: { c: { d: { token: 'deep-token-value' } } } } },
};
const SECRET_VALUES = /top-level-bearer|dXNlcjpwYXNz|cookie-value|header-api-key|hunter2|camel-api-key|snake-api-key|refresh-token-value|access-token-value|deep-token-value/;

describe('logging', () => {
  it('redacts fields named like secrets, at any depth', () => {
    expect(
      redact({ headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: '*/*' }, user: { name: 'a', password: 'p', apiKey: 'k', api_key: 'k' }, accessToken: 't' }),
    ).toEqual({
      headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' },
      user: { name: 'a', password: '[redacted]', apiKey: '[redacted]', api_key: '[redacted]' },
      accessToken: '[redacted]',
    });
  });

  it('writes [redacted] for Authorization, cookies, passwords, tokens and API keys, top-level to five objects deep, in JSON lines', async () => {
    const { logger, output } = loggerWritingTo('json');
    logger.info('login', SECRETS);
    const written = await output();
    expect(written).not.toMatch(SECRET_VALUES);
    const line = JSON.parse(written.trim());
    expect(line).toMatchObject({
      level: 'info',
      message: 'login',
      Authorization: '[redacted]',
      request: { headers: { authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' } },
      user: { name: 'ada', password: '[redacted]', passwd: '[redacted]', credentials: '[redacted]' },
      grants: [{ id: 1, refresh_token: '[redacted]' }, { id: 2, accessToken: '[redacted]' }],
      deep: { a: { b: { c: { d: { token: '[redacted]' } } } } },
    });
  });

  it('writes [redacted] for the same fields in pretty lines', async () => {
    const { logger, output } = loggerWritingTo('pretty');
    logger.info('login', SECRETS);
    const written = await output();
    expect(written).not.toMatch(SECRET_VALUES);
    expect(written).toContain('Authorization=[redacted]');
    expect(written).toContain('"authorization":"[redacted]","cookie":"[redacted]","set-cookie":"[redacted]","x-api-key":"[redacted]","accept":"*/*"');
    expect(written).toContain('"password":"[redacted]"');
    expect(written).toContain('{"id":1,"refresh_token":"[redacted]"}');
    expect(written).toContain('"d":{"token":"[redacted]"}');
    expect(written).toContain('"name":"ada"');
  });

  it('writes nothing of what lies deeper than it inspects, so a secret cannot hide down there', async () => {
    const { logger, output } = loggerWritingTo('json');
    logger.info('nested', { l1: { l2: { l3: { l4: { l5: { l6: { l7: { l8: { l9: { l10: { token: 'DEEP-SECRET' } } } } } } } } } } });
    const written = await output();
    expect(written).not.toContain('DEEP-SECRET');
    expect(written).toContain('[too deep to log]');
  });

  it('redacts the secrets of a child logger (ctx.log) too', async () => {
    const { logger, output } = loggerWritingTo('json');
    logger.child({ requestId: 'req-1' }).warn('upstream refused', { upstream: { headers: { Authorization: 'Bearer child-bearer' } } });
    const written = await output();
    expect(written).not.toContain('child-bearer');
    expect(JSON.parse(written.trim())).toMatchObject({ requestId: 'req-1', upstream: { headers: { Authorization: '[redacted]' } } });
  });

  it('writes one access line per request with request id, operationId, status and duration', async () => {
    const { logger, lines } = memoryLogger();
    const kernel = await fixtureKernel({ logger });
    await kernel.inject({ url: '/items/3', headers: { 'x-request-id': 'req-42', authorization: 'Bearer secret-token' } });
    const access = lines.filter((l) => l.message === 'request' && l.requestId === 'req-42');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ operationId: 'getItem', status: 200, method: 'GET', path: '/items/3' });
    expect(typeof access[0].durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret-token');
    await kernel.close();
  });

  it('puts the request id on every line a handler logs', async () => {
    const { logger, lines } = memoryLogger();
    const kernel = await fixtureKernel({
      logger,
      handlers: {
        hello: (ctx: { log: winston.Logger }) => {
          ctx.log.info('saying hello', { token: 'should-not-appear' });
          return { status: 200, body: { hello: 'world' } };
        },
        createItem: () => ({ status: 201 }),
        listItems: () => ({ status: 200, body: [] }),
        getItem: () => ({ status: 404 }),
      },
    });
    await kernel.inject({ url: '/hello', headers: { 'x-request-id': 'req-7' } });
    const line = lines.find((l) => l.message === 'saying hello');
    expect(line).toMatchObject({ requestId: 'req-7', operationId: 'hello' });
    await kernel.close();
  });
});
