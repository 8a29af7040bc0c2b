/**
 * fastify: Fastify 5 with JSON schemas — body and params schemas (validated by
 * its built-in Ajv, formats included) and response schemas (serialised by
 * fast-json-stringify), as Fastify documents it. Logger off.
 */
import Fastify from 'fastify';
import { exitOnSignal, opsArg, ready } from '../lib/server-common.js';
import {
  FILLER_SCHEMA,
  HELLO_BODY,
  HELLO_RESPONSE_SCHEMA,
  ID_SCHEMA,
  ITEM_RESPONSE_SCHEMA,
  ITEM_SCHEMA,
  createdItem,
  gotItem,
  splitFillers,
  type FillerRoute,
} from '../lib/contract.js';

exitOnSignal();
const app = Fastify({ logger: false });
const valueSchema = { type: 'object', properties: { value: { type: 'string' } } };

const filler = (f: FillerRoute) => {
  if (f.method === 'get') {
    app.get(
      f.expressPath,
      { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } }, response: { 200: valueSchema } } },
      async (req) => ({ value: String((req.params as { id: number }).id) }),
    );
  } else {
    app.post(f.expressPath, { schema: { body: FILLER_SCHEMA, response: { 201: valueSchema } } }, async (req, reply) => reply.code(201).send(req.body));
  }
};

const [before, after] = splitFillers(opsArg());
before.forEach(filler);
app.get('/hello', { schema: { response: { 200: HELLO_RESPONSE_SCHEMA } } }, async () => HELLO_BODY);
app.post('/items', { schema: { body: ITEM_SCHEMA, response: { 201: ITEM_RESPONSE_SCHEMA } } }, async (req, reply) =>
  reply.code(201).send(createdItem(req.body as object)),
);
app.get(
  '/items/:id',
  { schema: { params: { type: 'object', required: ['id'], properties: { id: ID_SCHEMA } }, response: { 200: ITEM_RESPONSE_SCHEMA } } },
  async (req) => gotItem((req.params as { id: number }).id),
);
after.forEach(filler);

await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server);
