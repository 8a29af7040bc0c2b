/**
 * `npm start`: serves the example task manager on PORT (default 3000).
 */
import { listen } from 'burrowjs/express';
import { createExampleKernel } from './app.js';

const kernel = await createExampleKernel();
// PORT and HOST, else 3000 on 127.0.0.1 (kernel.listen's defaults).
const { url } = await listen(kernel);
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
