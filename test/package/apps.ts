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
