/**
 * express-ajv: Express 5 + express.json() + hand-written Ajv checks compiled at
 * boot, etag and x-powered-by off — the floor of a validated Express route. The
 * filler operations are registered as Express routes (half before, half after the
 * measured ones, as in the contract).
 */
import express from 'express';
import { exitOnSignal, handWrittenValidators, opsArg, ready } from '../lib/server-common.js';
import { HELLO_BODY, createdItem, gotItem, splitFillers, type FillerRoute } from '../lib/contract.js';

exitOnSignal();
const v = handWrittenValidators();
const app = express();
app.disable('etag');
app.disable('x-powered-by');
app.use(express.json());

const filler = (f: FillerRoute) => {
  if (f.method === 'get') {
    app.get(f.expressPath, (req, res) => {
      const params = { id: req.params.id as unknown };
      if (!v.fillerParams(params)) return void res.status(400).json({ errors: v.fillerParams.errors });
      res.status(200).json({ value: String(params.id) });
    });
  } else {
    app.post(f.expressPath, (req, res) => {
      if (!v.filler(req.body)) return void res.status(400).json({ errors: v.filler.errors });
      res.status(201).json(req.body);
    });
  }
};

const [before, after] = splitFillers(opsArg());
before.forEach(filler);
app.get('/hello', (_req, res) => void res.status(200).json(HELLO_BODY));
app.post('/items', (req, res) => {
  if (!v.item(req.body)) return void res.status(400).json({ errors: v.item.errors });
  res.status(201).json(createdItem(req.body));
});
app.get('/items/:id', (req, res) => {
  const params = { id: req.params.id as unknown };
  if (!v.params(params)) return void res.status(400).json({ errors: v.params.errors });
  res.status(200).json(gotItem(params.id as number));
});
after.forEach(filler);

const server = app.listen(0, '127.0.0.1', () => ready(server));
