/**
 * `npm start`: migrates and, when empty, seeds the database `DATABASE_URL` names (the
 * SQLite file `example-app/data/burrow-example.db` when unset), then serves the example
 * task manager on PORT (default 3000).
 */
import { listen } from 'burrowjs/express';
import { createExampleKernel } from './app.js';
import { prepareDatabase, type PreparedDatabase } from './db.js';

function fail(error: unknown): never {
  console.error(`The example app cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

let database: PreparedDatabase;
try {
  database = await prepareDatabase();
} catch (error) {
  fail(error);
}

let kernel: Awaited<ReturnType<typeof createExampleKernel>>;
let url: string;
try {
  kernel = await createExampleKernel({ prisma: database.prisma, provider: database.provider });
  // PORT and HOST, else 3000 on 127.0.0.1 (kernel.listen's defaults).
  ({ url } = await listen(kernel));
} catch (error) {
  await database.prisma.$disconnect();
  fail(error);
}

const { applied, seeded } = database;
const notes = [
  applied.length ? `applied ${applied.length} migration${applied.length === 1 ? '' : 's'}` : 'migrations up to date',
  seeded ? `seeded ${seeded.users} users, ${seeded.projects} projects, ${seeded.tasks} tasks` : undefined,
].filter(Boolean);
console.log(`Burrow example app
  database    ${database.provider === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${database.display} (${notes.join('; ')})
  API         ${url}/tasks
  contract    ${url}/openapi.json  (and ${url}/openapi.yaml)
  Swagger UI  ${url}/docs/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    kernel.logger.info(`${signal}: closing gracefully`);
    // The resources plugin disconnects Prisma when the kernel closes.
    void kernel.close().then(() => process.exit(0));
  });
}
