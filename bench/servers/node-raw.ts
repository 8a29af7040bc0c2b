/**
 * node-raw: node:http with a hand-written switch, JSON.parse of the body and no
 * validation at all — the ceiling. `--validate` makes it "node-ajv": the same
 * server with the hand-written Ajv checks of the floor (the baseline of
 * burrow-native's CPU per request).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { args, exitOnSignal, handWrittenValidators, ready } from '../lib/server-common.js';
import { HELLO_BODY, createdItem, gotItem } from '../lib/contract.js';

exitOnSignal();
const validate = args().validate === 'true';
const v = handWrittenValidators();

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function readJson(req: IncomingMessage, done: (body: unknown) => void, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'malformed JSON' });
    }
    done(body);
  });
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (req.method === 'GET' && path === '/hello') return send(res, 200, HELLO_BODY);
  if (req.method === 'POST' && path === '/items') {
    return readJson(
      req,
      (body) => {
        if (validate && !v.item(body)) return send(res, 400, { errors: v.item.errors });
        send(res, 201, createdItem(body as object));
      },
      res,
    );
  }
  if (req.method === 'GET' && path.startsWith('/items/') && path.indexOf('/', 7) === -1) {
    const params: { id: unknown } = { id: path.slice(7) };
    if (validate) {
      if (!v.params(params)) return send(res, 400, { errors: v.params.errors });
    } else params.id = Number(params.id);
    return send(res, 200, gotItem(params.id as number));
  }
  send(res, 404, { error: 'not found' });
});
server.listen(0, '127.0.0.1', () => ready(server));
