/**
 * A server for the kill test (`batch-kill.test.ts`): the fixture contract on the
 * database in DATABASE_URL. Its Task hook announces the 500th write of a batch on
 * stdout and then waits, so that the test can kill the process in the middle of the
 * batch's transaction.
 */
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { createKernel } from '../../../core/index.js';
import { resources } from '../../../plugins/resources/index.js';
import { PrismaClient as SqliteClient } from '../../../example-app/generated/prisma/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../../../example-app/generated/prisma/postgres/client.js';

const url = process.env.DATABASE_URL!;
const sqlite = url.startsWith('file:');
const prisma = sqlite ? new SqliteClient({ adapter: new PrismaLibSql({ url }) }) : new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
let writes = 0;
const kernel = await createKernel({
  contract: 'test/fixtures/resources/api.yaml',
  logger: { level: 'silent' },
  bodyLimit: 4 * 1024 * 1024,
  plugins: [
    resources({
      prisma,
      schema: sqlite ? 'prisma/sqlite/schema.prisma' : 'prisma/postgres/schema.prisma',
      hooks: {
        Task: {
          async afterWrite() {
            if (++writes === 500) {
              process.stdout.write('HALFWAY\n');
              await new Promise((resolve) => setTimeout(resolve, 30_000));
            }
          },
        },
      },
    }),
  ],
});
const { url: listening } = await kernel.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`PORT ${new URL(listening).port}\n`);
