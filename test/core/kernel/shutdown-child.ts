/**
 * A small kernel served with `signals: true`, for the shutdown tests: run as
 * `node --conditions=burrowjs-source --import tsx test/core/kernel/shutdown-child.ts <express|node>`.
 * Prints `URL <url>` once listening, `STEP <name>` as shutdown steps run, logs JSON lines
 * (the access lines left out) on stdout.
 */
import winston from 'winston';
import { createKernel, type OpenApiDocument } from '../../../core/index.js';
import { listen } from '../../../core/http/express.js';

const adapter = process.argv[2] ?? 'node';
const contract: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'shutdown', version: '1' },
  paths: {
    '/work': { get: { operationId: 'work', responses: { '200': { description: 'done', content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true } } } } } } } } },
    '/slow': { get: { operationId: 'slow', responses: { '200': { description: 'done late', content: { 'application/json': { schema: { type: 'object', properties: { slow: { const: true } } } } } } } } },
  },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dropAccessLines = winston.format((info) => (info.message === 'request' ? false : info));
const logger = winston.createLogger({ level: 'info', format: winston.format.combine(dropAccessLines(), winston.format.json()), transports: [new winston.transports.Console()] });

const kernel = await createKernel({
  contract,
  contractCache: false,
  logger,
  closeTimeout: Number(process.env.CLOSE_TIMEOUT ?? 4000),
  handlers: {
    work: async () => {
      await sleep(3);
      return { status: 200, body: { ok: true } };
    },
    slow: async () => {
      // The test signals only once this request is in its handler (in flight, not queued).
      console.log('SLOW started');
      await sleep(Number(process.env.SLOW_MS ?? 800));
      return { status: 200, body: { slow: true } };
    },
  },
});
// Stand-ins for Prisma's and Redis's closers: they run after the servers closed.
kernel.shutdown.add('database', () => console.log('STEP database'));
kernel.shutdown.add('redis', () => console.log('STEP redis'));
const options = { port: 0, signals: true, closeGrace: Number(process.env.CLOSE_GRACE ?? 1000) } as const;
const { url } = adapter === 'express' ? await listen(kernel, options) : await kernel.listen(options);
console.log(`URL ${url}`);
