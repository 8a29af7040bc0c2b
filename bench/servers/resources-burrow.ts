/**
 * The resources plugin over the fixture contract (test/fixtures/resources/api.yaml):
 * `createKernel({ contract, plugins: [resources({ prisma, schema })], logger: { level: 'error' } })`,
 * served through Express (`listen(kernel)` of `burrowjs/express`, the default) or
 * node:http (`--adapter node`). Response validation is the kernel's default: with
 * `NODE_ENV=production` (as the runner starts it) one response in 20 is validated.
 *
 *   node --conditions=burrowjs-source --import tsx bench/servers/resources-burrow.ts --provider sqlite --url file:/tmp/x.db
 */
import { createKernel } from '../../core/index.js';
import { listen } from '../../core/http/express.js';
import { resources } from '../../plugins/resources/index.js';
import { args, exitOnSignal, ready } from '../lib/server-common.js';
import { openPrisma, serverOptions } from './resources-common.js';

exitOnSignal();
const { provider, url, schema } = serverOptions();
const adapter = (args().adapter ?? 'express') as 'express' | 'node';
const prisma = openPrisma(provider, url);
await prisma.$connect();

const kernel = await createKernel({
  contract: 'test/fixtures/resources/api.yaml',
  logger: { level: 'error' },
  contractCache: false,
  plugins: [resources({ prisma, schema })],
});
const { server } = adapter === 'express' ? await listen(kernel, { port: 0, host: '127.0.0.1' }) : await kernel.listen({ port: 0, host: '127.0.0.1' });
ready(server, { provider, adapter, responseValidation: process.env.NODE_ENV === 'production' ? 'sampled (production default)' : 'every response' });
