import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The sources of the apps a new user writes against the installed package: an
 * Express 5 app in ESM and the same in CommonJS, typed from their contract.
 */

export const CONTRACT = `openapi: 3.1.0
info: { title: Items, version: 1.0.0 }
paths:
  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [name]
              properties: { name: { type: string, minLength: 1 } }
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, minimum: 1 } }
      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: { type: integer }
        name: { type: string }
`;

const HANDLERS = `const itemErrors = defineErrors({
  ITEMS_ERR_NOT_FOUND: { status: 404, title: 'No item has this id' },
});
const items = new Map<number, string>([[1, 'one']]);

const handlers = defineHandlers<operations>({
  async getItem({ params }) {
    const name = items.get(params.id);
    if (name === undefined) throw itemErrors.create('ITEMS_ERR_NOT_FOUND', { detail: \`no item \${params.id}\` });
    return { status: 200, body: { id: params.id, name } };
  },
  async createItem({ body }) {
    const id = items.size + 1;
    items.set(id, body.name);
    return { status: 201, body: { id, name: body.name } };
  },
});
`;

const SERVE = `  const kernel = await createKernel({ contract, handlers, plugins: [openapiDocs()], logger: { level: 'warn' } });
  const app = express();
  app.use('/api', expressMiddleware(kernel));
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(\`listening on \${typeof address === 'object' && address ? address.port : '?'}\`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void kernel.close().then(() => process.exit(0));
  });
`;

const IMPORTS = `import express from 'express';
import { createKernel, defineErrors, defineHandlers } from 'burrowjs';
import { expressMiddleware } from 'burrowjs/express';
import { openapiDocs } from 'burrowjs/plugins/openapi-docs';
import type { operations } from './generated/api.js';
`;

const ESM_SERVER = `${IMPORTS}import { fileURLToPath } from 'node:url';

${HANDLERS}
const contract = fileURLToPath(new URL('../openapi/api.yaml', import.meta.url));
${SERVE.replace(/^ {2}/gm, '')}`;

const CJS_SERVER = `${IMPORTS}import path from 'node:path';

${HANDLERS}
async function main(): Promise<void> {
  const contract = path.join(__dirname, '..', 'openapi', 'api.yaml');
${SERVE}}

void main();
`;

/** Writes an app (its package.json, tsconfig, contract and server) into `dir`. */
export function writeApp(dir: string, kind: 'esm' | 'cjs'): void {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: `burrow-${kind}-app`, version: '1.0.0', private: true, type: kind === 'esm' ? 'module' : 'commonjs' }, null, 2),
    'tsconfig.json': JSON.stringify(
      { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', rootDir: 'src', outDir: 'dist', types: ['node'] }, include: ['src'] },
      null,
      2,
    ),
    'openapi/api.yaml': CONTRACT,
    'src/server.ts': kind === 'esm' ? ESM_SERVER : CJS_SERVER,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

/**
 * An app with every production plugin, imported from the installed package's subpaths
 * (their dependencies must come with it): started with `listen()` of burrowjs/express and
 * `signals: true`, as a production server would be.
 */
const PRODUCTION_SERVER = `import { createKernel, type RawHandler } from 'burrowjs';
import { listen } from 'burrowjs/express';
import { compression } from 'burrowjs/plugins/compression';
import { cors } from 'burrowjs/plugins/cors';
import { health } from 'burrowjs/plugins/health';
import { metrics } from 'burrowjs/plugins/metrics';
import { rateLimit } from 'burrowjs/plugins/rate-limit';
import { securityHeaders } from 'burrowjs/plugins/security-headers';
import { stats } from 'burrowjs/plugins/stats';
import { tracing } from 'burrowjs/plugins/tracing';

const names = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, name: \`item number \${i + 1}\` }));
const handlers: Record<string, RawHandler> = {
  listItems: () => ({ status: 200, body: names }),
  getItem: () => ({ status: 200, body: { id: 1, name: 'one' } }),
};
const kernel = await createKernel({
  contract: {
    openapi: '3.1.0',
    info: { title: 'Production', version: '1.0.0' },
    'x-burrow-rate-limit': { points: 5, duration: '1m' },
    paths: {
      '/items': { get: { operationId: 'listItems', 'x-burrow-rate-limit': false, responses: { '200': { description: 'All.', content: { 'application/json': { schema: { type: 'array' } } } } } } },
      '/items/{id}': {
        get: {
          operationId: 'getItem',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { '200': { description: 'One.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
  },
  handlers,
  logger: { level: 'warn' },
  plugins: [
    securityHeaders(),
    cors({ origins: ['https://app.example.com'] }),
    compression(),
    tracing(),
    health(),
    // The contract's limit is API-wide; the monitoring endpoints other plugins contribute are left out of it.
    rateLimit({ operations: { stat: false, statReset: false, metrics: false } }),
    stats(),
    metrics(),
  ],
});
kernel.gauges.add('queue_depth', { help: 'Jobs waiting.', read: () => 3 });
const { url } = await listen(kernel, { port: 0, host: '127.0.0.1', signals: true });
console.log(\`listening on \${new URL(url).port}\`);
`;

/** Writes the production app (ESM, its own tsconfig `tsconfig.production.json`) into `dir`, next to an ESM app. */
export function writeProductionApp(dir: string): void {
  const files: Record<string, string> = {
    'tsconfig.production.json': JSON.stringify(
      { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', rootDir: 'production', outDir: 'dist-production', types: ['node'] }, include: ['production'] },
      null,
      2,
    ),
    'production/server.ts': PRODUCTION_SERVER,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}
