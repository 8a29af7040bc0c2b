/**
 * openapi-backend: Express + plain openapi-backend 5.21 as its README shows it —
 * express.json(), `app.use((req, res) => api.handleRequest(req, req, res))`, handlers
 * by operationId, a validationFail handler (which turns request validation on) —
 * with ajv-formats added through `customizeAjv` (without it `format` is ignored).
 *
 * `--quick true` uses `quick: true` (lazy compile on first use). The default, full
 * mode, compiles every validator at init(): slow for 1000 operations (see README).
 */
import express from 'express';
import { OpenAPIBackend, type Context } from 'openapi-backend';
import addFormatsModule from 'ajv-formats';
import { args, exitOnSignal, opsArg, ready } from '../lib/server-common.js';
import { HELLO_BODY, createdItem, fillers, generateContract, gotItem } from '../lib/contract.js';
import type { Request, Response } from 'express';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: any) => void;

exitOnSignal();
const ops = opsArg();
const quick = args().quick === 'true';
type H = (c: Context, req: Request, res: Response) => unknown;
const handlers: Record<string, H> = {
  hello: (_c, _req, res) => res.status(200).json(HELLO_BODY),
  createItem: (c, _req, res) => res.status(201).json(createdItem(c.request.requestBody)),
  getItem: (c, _req, res) => res.status(200).json(gotItem(Number(c.request.params.id))),
  validationFail: (c, _req, res) => res.status(400).json({ err: c.validation.errors }),
  notFound: (_c, _req, res) => res.status(404).json({ err: 'not found' }),
};
for (const f of fillers(ops)) {
  handlers[f.operationId] =
    f.method === 'get'
      ? (c, _req, res) => res.status(200).json({ value: String(c.request.params.id) })
      : (c, _req, res) => res.status(201).json(c.request.requestBody);
}

const t0 = performance.now();
const api = new OpenAPIBackend({
  definition: generateContract(ops),
  quick,
  customizeAjv: (ajv) => {
    addFormats(ajv);
    return ajv;
  },
});
api.register(handlers as never);
await api.init();
const initMs = Math.round(performance.now() - t0);

const app = express();
app.disable('etag');
app.disable('x-powered-by');
app.use(express.json());
app.use((req, res) => api.handleRequest(req as never, req, res));
const server = app.listen(0, '127.0.0.1', () => ready(server, { initMs, quick }));
