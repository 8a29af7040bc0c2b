import { describe, expect, it } from 'vitest';
import winston from 'winston';
import Transport from 'winston-transport';
import { redact } from '../../../core/index.js';
import { fixtureKernel, memoryLogger } from '../../helpers.js';
import { createLogger } from '../../../core/kernel/logger.js';

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

  it("redacts through Burrow's own logger format before any transport sees the line", () => {
    const seen: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json' });
    logger.clear();
    class Capture extends Transport {
      override log(info: Record<symbol, string>, next: () => void) {
        seen.push(info[Symbol.for('message')]);
        next();
      }
    }
    logger.add(new Capture());
    logger.info('login', { headers: { authorization: 'Basic dXNlcjpwYXNz' }, password: 'hunter2', user: 'bob' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toMatch(/hunter2|dXNlcjpwYXNz/);
    expect(JSON.parse(seen[0])).toMatchObject({ level: 'info', message: 'login', user: 'bob', password: '[redacted]' });
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
