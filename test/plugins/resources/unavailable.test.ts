import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { PrismaClient } from '../../../example-app/generated/prisma/postgres/client.js';
import { createKernel } from '../../../core/index.js';
import { resources } from '../../../plugins/resources/index.js';
import { FIXTURE_CONTRACT, SCHEMAS } from './harness.js';

describe('a database that cannot be reached', () => {
  it('answers 503 problem+json with Retry-After and its code, and says nothing of the connection', async () => {
    // Nothing listens on this port.
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://postgres:s3cret@127.0.0.1:5999/nowhere' }) });
    const kernel = await createKernel({ contract: FIXTURE_CONTRACT, logger: { level: 'silent' }, contractCache: false, plugins: [resources({ prisma, schema: SCHEMAS.postgres })] });
    const res = await kernel.inject({ method: 'GET', url: '/tasks/1' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().code).toBe('BURROW_ERR_DATABASE_UNAVAILABLE');
    expect(res.body).not.toMatch(/5999|s3cret|127\\.0\\.0\\.1/);
    expect((await kernel.checkHealth()).checks.database?.ok).toBe(false);
    await kernel.close();
  });
});
