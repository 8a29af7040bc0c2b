/**
 * Burrow: the generated contract as a document object, handlers by operationId
 * returning `{ status, body }`, response validation off, logger at `error`.
 * `--adapter express` (default) serves through Express (`listen(kernel)` of
 * `burrowjs/express`): "burrow"; `--adapter node` straight from node:http: "burrow-native".
 * `--compile lazy|background|eager` sets createKernel's `compile` (default: the kernel's).
 */
import { createKernel } from '../../core/index.js';
import { listen } from '../../core/http/express.js';
import { args, exitOnSignal, opsArg, ready } from '../lib/server-common.js';
import { HELLO_BODY, createdItem, fillers, generateContract, gotItem } from '../lib/contract.js';

exitOnSignal();
const ops = opsArg();
const adapter = (args().adapter ?? 'express') as 'express' | 'node';
type Ctx = { body: any; params: any };
const handlers: Record<string, (ctx: Ctx) => unknown> = {
  hello: () => ({ status: 200, body: HELLO_BODY }),
  createItem: (ctx) => ({ status: 201, body: createdItem(ctx.body) }),
  getItem: (ctx) => ({ status: 200, body: gotItem(ctx.params.id) }),
};
for (const f of fillers(ops)) {
  handlers[f.operationId] =
    f.method === 'get' ? (ctx) => ({ status: 200, body: { value: String(ctx.params.id) } }) : (ctx) => ({ status: 201, body: ctx.body });
}

const t0 = performance.now();
const compile = args().compile as 'background' | 'lazy' | 'eager' | undefined;
const kernel = await createKernel({
  contract: generateContract(ops),
  handlers: handlers as never,
  logger: { level: 'error' },
  responseValidation: false,
  ...(compile ? { compile } : {}),
});
const t1 = performance.now();
const { server } = adapter === 'express' ? await listen(kernel, { port: 0 }) : await kernel.listen({ port: 0 });
const t2 = performance.now();
ready(server, { createKernelMs: Math.round(t1 - t0), listenMs: Math.round(t2 - t0), adapter });
