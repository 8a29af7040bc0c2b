import express from 'express';
import { afterEach } from 'vitest';
import { expressMiddleware } from '../core/http/express.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import winston from 'winston';
import Transport from 'winston-transport';
import { createKernel, type Kernel, type KernelOptions } from '../core/index.js';

export const FIXTURE = 'test/fixtures/tasks.yaml';

/** The two ways a kernel is served; the same tests run against both. */
export const ADAPTERS = ['express', 'node'] as const;
export type Adapter = (typeof ADAPTERS)[number];

/** A supertest agent over a kernel, through an Express app or straight from node:http. */
export function agent(kernel: Kernel, adapter: Adapter) {
  if (adapter === 'node') return request((req: IncomingMessage, res: ServerResponse) => void kernel.handle(req, res));
  const app = express();
  app.use(expressMiddleware(kernel));
  return request(app);
}

/** A winston logger that keeps its lines in memory, for assertions on logs. */
export function memoryLogger() {
  const lines: Record<string, any>[] = [];
  class Memory extends Transport {
    override log(info: any, next: () => void) {
      lines.push(JSON.parse(JSON.stringify(info)));
      next();
    }
  }
  const logger = winston.createLogger({ level: 'debug', transports: [new Memory()] });
  return { logger, lines };
}

/** Handlers for the fixture contract. */
export const fixtureHandlers = {
  hello: () => ({ status: 200, body: { hello: 'world' } }),
  createItem: (ctx: { body: Record<string, unknown> }) => ({ status: 201, body: { ...ctx.body, id: 1 } }),
  listItems: () => ({ status: 200, body: [] }),
  getItem: (ctx: { params: { id: number } }) =>
    ctx.params.id === 404
      ? { status: 404 }
      : { status: 200, body: { id: ctx.params.id, name: 'n', email: 'a@b.co', age: 1, kind: 'a', createdAt: '2024-01-01T00:00:00Z' } },
};

/** Boots a kernel over the fixture contract. */
export function fixtureKernel(options: Partial<KernelOptions> = {}): Promise<Kernel> {
  return createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, ...options });
}

export const VALID_ITEM = { name: 'n', email: 'a@b.co', age: 20, kind: 'a', createdAt: '2024-01-01T00:00:00Z' };

/**
 * Closes the kernels a test boots after each test: call once per file, wrap each boot in
 * the function it returns. `check` runs on each kernel before it closes.
 */
export function closedAfterEach(check?: (kernel: Kernel) => void): (kernel: Promise<Kernel>) => Promise<Kernel> {
  const opened: Kernel[] = [];
  afterEach(async () => {
    for (const kernel of opened.splice(0)) {
      check?.(kernel);
      await kernel.close();
    }
  });
  return async (kernel) => {
    const booted = await kernel;
    opened.push(booted);
    return booted;
  };
}
