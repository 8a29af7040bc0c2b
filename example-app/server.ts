/**
 * `npm start`: serves the example task manager on PORT (default 3000).
 */
import { listen } from 'burrowjs/express';
import { createExampleKernel } from './app.js';

const kernel = await createExampleKernel();
const { url } = await listen(kernel, { port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
console.log(`Burrow example app
  API         ${url}/tasks
  contract    ${url}/openapi.json  (and ${url}/openapi.yaml)
  Swagger UI  ${url}/docs/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    kernel.logger.info(`${signal}: closing gracefully`);
    void kernel.close().then(() => process.exit(0));
  });
}
