/**
 * `npm start`: migrates and, when empty, seeds the database `DATABASE_URL` names (the
 * SQLite file `example-app/data/burrow-example.db` when unset), then serves the example
 * task manager on PORT (default 3000). Sessions and the login lockout live in Redis when
 * `REDIS_URL` is set, else in memory; `BURROW_ADMIN_USER` and `BURROW_ADMIN_PASSWORD`
 * seed an admin account on first start.
 */
import { listen } from 'burrowjs/express';
import { createExampleKernel } from './app.js';
import { prepareDatabase, type PreparedDatabase } from './db.js';
import { DEMO_PASSWORD, SEED_USERS } from './seed.js';

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
  // PORT and HOST, else 3000 on 127.0.0.1 (kernel.listen's defaults). On SIGTERM or SIGINT
  // the kernel closes gracefully — readiness 503, no new connection, in-flight requests
  // finished, Prisma (the resources plugin) and Redis (the auth plugin) closed — and the
  // process exits 0; a second signal exits at once.
  ({ url } = await listen(kernel, { signals: true }));
} catch (error) {
  await database.prisma.$disconnect();
  fail(error);
}

const { applied, seeded } = database;
const notes = [
  applied.length ? `applied ${applied.length} migration${applied.length === 1 ? '' : 's'}` : 'migrations up to date',
  seeded ? `seeded ${seeded.users} users, ${seeded.projects} projects, ${seeded.tasks} tasks` : undefined,
].filter(Boolean);
const sessions = process.env.REDIS_URL ? 'Redis (REDIS_URL)' : 'memory (set REDIS_URL to share them and keep them across restarts)';
console.log(`Burrow example app
  database    ${database.provider === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${database.display} (${notes.join('; ')})
  API         ${url}/tasks  (needs credentials: Basic, or a Bearer token from POST ${url}/auth/login)
  sessions    ${sessions}
  contract    ${url}/openapi.json  (and ${url}/openapi.yaml)
  Swagger UI  ${url}/docs/${seeded ? `
  demo users  ${SEED_USERS.map((u) => `${u.email} (${u.role})`).join(', ')}; password ${DEMO_PASSWORD} (demo data only)` : ''}`);
