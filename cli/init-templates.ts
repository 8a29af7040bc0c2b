/**
 * The files `burrow init` writes, by path. `src/generated/api.ts` is not here: it is
 * generated from the contract at init time.
 */
export function projectFiles(options: { name: string; burrowSpec: string }): Record<string, string> {
  return {
    'package.json': packageJson(options),
    'tsconfig.json': TSCONFIG,
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': readme(options.name),
    'openapi/api.yaml': CONTRACT,
    'src/handlers.ts': HANDLERS,
    'src/server.ts': SERVER,
  };
}

/** The contract of a new project, where the types are generated to, and the command that does it. */
export const PROJECT_CONTRACT = 'openapi/api.yaml';
export const PROJECT_TYPES = 'src/generated/api.ts';

function packageJson({ name, burrowSpec }: { name: string; burrowSpec: string }): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      types: `burrow types ${PROJECT_CONTRACT} ${PROJECT_TYPES}`,
      lint: `burrow lint ${PROJECT_CONTRACT}`,
      build: 'tsc',
      prestart: 'npm run build',
      start: 'node dist/server.js',
    },
    dependencies: { burrowjs: burrowSpec, express: '^5.1.0' },
    devDependencies: { '@types/express': '^5.0.0', '@types/node': '^20.19.0', typescript: '^5.9.0' },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "exactOptionalPropertyTypes": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": true,
    "sourceMap": true,
    "rootDir": "src",
    "outDir": "dist",
    "types": ["node"]
  },
  "include": ["src"]
}
`;

const CONTRACT = `openapi: 3.1.0
info:
  title: Greetings
  version: 0.1.0
  description: A new Burrow API. This contract drives routing, validation, handler types and the docs.
  license:
    name: MIT
    identifier: MIT
servers:
  - url: /api
# No authentication yet: say so explicitly.
security: []
tags:
  - name: greetings
    description: Greetings by name.
paths:
  /greetings:
    post:
      operationId: createGreeting
      summary: Store a greeting
      tags: [greetings]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Greeting'
      responses:
        '201':
          description: The greeting was stored.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Greeting'
        '400':
          $ref: '#/components/responses/BadRequest'
  /greetings/{name}:
    get:
      operationId: getGreeting
      summary: Get the greeting of a name
      tags: [greetings]
      parameters:
        - name: name
          in: path
          required: true
          schema:
            $ref: '#/components/schemas/Name'
      responses:
        '200':
          description: The greeting.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Greeting'
        '404':
          $ref: '#/components/responses/NotFound'
components:
  schemas:
    Name:
      type: string
      minLength: 1
      maxLength: 40
    Greeting:
      type: object
      additionalProperties: false
      required: [name, text]
      properties:
        name:
          $ref: '#/components/schemas/Name'
        text:
          type: string
          minLength: 1
          maxLength: 200
    Problem:
      description: An error, as RFC 9457 problem details (Burrow's BurrowProblem in /api/openapi.json).
      type: object
      required: [type, title, status, code]
      properties:
        type: { type: string }
        title: { type: string }
        status: { type: integer }
        detail: { type: string }
        code: { type: string }
  responses:
    BadRequest:
      description: The request does not match the contract; errors[] lists every failure.
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    NotFound:
      description: Nothing has this name.
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
`;

const HANDLERS = `import { defineErrors, defineHandlers } from 'burrowjs';
import type { operations } from './generated/api.js';

/** This API's own error codes: answered as problems, listed in the error catalogue (/api/errors). */
export const greetingErrors = defineErrors({
  GREETINGS_ERR_NOT_FOUND: {
    status: 404,
    title: 'No greeting has this name',
    detail: 'no greeting for {name}',
    means: 'Nobody has created a greeting with this name yet.',
    do: 'Create it with POST /greetings.',
  },
});

const greetings = new Map<string, string>([['world', 'Hello, world!']]);

/**
 * One handler per operationId of openapi/api.yaml, typed from it: after
 * \`npm run types\`, tsc fails when an operation has no handler or a handler
 * returns a body of the wrong shape.
 */
export const handlers = defineHandlers<operations>({
  async getGreeting({ params }) {
    const text = greetings.get(params.name);
    if (text === undefined) {
      throw greetingErrors.create('GREETINGS_ERR_NOT_FOUND', { name: params.name });
    }
    return { status: 200, body: { name: params.name, text } };
  },
  async createGreeting({ body }) {
    greetings.set(body.name, body.text);
    return { status: 201, body };
  },
});
`;

const SERVER = `import { fileURLToPath } from 'node:url';
import express from 'express';
import { createKernel } from 'burrowjs';
import { expressMiddleware } from 'burrowjs/express';
import { openapiDocs } from 'burrowjs/plugins/openapi-docs';
import { greetingErrors, handlers } from './handlers.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const kernel = await createKernel({
  contract: fileURLToPath(new URL('../openapi/api.yaml', import.meta.url)),
  handlers,
  errors: [greetingErrors],
  plugins: [openapiDocs()],
});

const app = express();
// Mount Burrow before any body parser: it reads and validates bodies itself.
app.use('/api', expressMiddleware(kernel));

const server = app.listen(port, host, (error?: Error) => {
  if (error) throw error;
  const url = \`http://\${host}:\${port}/api\`;
  console.log(\`Greetings API on \${url}/greetings/world\\nSwagger UI on \${url}/docs/\`);
});
// kernel.close() then stops this server too, letting requests in flight finish.
kernel.attach(server);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void kernel.close().then(() => process.exit(0)));
}
`;

function readme(name: string): string {
  return `# ${name}

An API built with [Burrow](https://www.npmjs.com/package/burrowjs): the OpenAPI contract in
\`openapi/api.yaml\` drives routing, validation, handler types and the documentation.

\`\`\`sh
npm install
npm start            # http://127.0.0.1:3000/api/greetings/world, Swagger UI at /api/docs/
\`\`\`

| file | what |
| --- | --- |
| \`openapi/api.yaml\` | the contract |
| \`src/handlers.ts\` | one handler per operationId |
| \`src/server.ts\` | the kernel, mounted in an Express app at \`/api\` |
| \`src/generated/api.ts\` | types generated from the contract: do not edit |

After changing the contract: \`npm run types\` (regenerates \`src/generated/api.ts\`), then
\`npm run build\` tells which handlers are missing or return the wrong shape. \`npm run lint\`
checks the contract. \`PORT\` and \`HOST\` change where the server listens.
`;
}
