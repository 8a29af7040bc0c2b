/**
 * express-openapi-validator: Express + express.json() + OpenApiValidator.middleware
 * with the generated contract (request validation on, response validation off,
 * formats checked), the routes registered as Express routes, and an error handler
 * turning validation errors into 400s.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { exitOnSignal, opsArg, ready } from '../lib/server-common.js';
import { HELLO_BODY, createdItem, generateContract, gotItem, splitFillers, type FillerRoute } from '../lib/contract.js';

exitOnSignal();
const ops = opsArg();
const app = express();
app.disable('etag');
app.disable('x-powered-by');
app.use(express.json());
app.use(OpenApiValidator.middleware({ apiSpec: generateContract(ops), validateRequests: true, validateResponses: false }));

const filler = (f: FillerRoute) => {
  if (f.method === 'get') app.get(f.expressPath, (req, res) => void res.status(200).json({ value: String(req.params.id) }));
  else app.post(f.expressPath, (req, res) => void res.status(201).json(req.body));
};
const [before, after] = splitFillers(ops);
before.forEach(filler);
app.get('/hello', (_req, res) => void res.status(200).json(HELLO_BODY));
app.post('/items', (req, res) => void res.status(201).json(createdItem(req.body)));
app.get('/items/:id', (req, res) => void res.status(200).json(gotItem(Number(req.params.id))));
after.forEach(filler);
app.use((err: { status?: number; message: string; errors?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
  res.status(err.status ?? 500).json({ message: err.message, errors: err.errors });
});

const server = app.listen(0, '127.0.0.1', () => ready(server));
