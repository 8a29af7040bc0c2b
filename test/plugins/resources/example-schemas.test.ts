import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The example's two Prisma schemas hold the same models; they differ in their datasource and
// in the type of Task.id and Comment.taskId (SQLite cannot autoincrement a BigInt key).
const models = (file: string) =>
  readFileSync(file, 'utf8')
    .split('// ---- models')[1]!
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\bBigInt\b/g, 'Int')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n/g, '\n')
    .trim();

describe('the example data model', () => {
  it('is the same on SQLite and PostgreSQL', () => {
    expect(models('prisma/postgres/schema.prisma')).toBe(models('prisma/sqlite/schema.prisma'));
  });

  it('differs only where SQLite forces it: the BigInt keys', () => {
    const bigints = (file: string) => readFileSync(file, 'utf8').match(/^\s*\w+\s+BigInt\b.*$/gm) ?? [];
    expect(bigints('prisma/sqlite/schema.prisma')).toEqual([]);
    expect(bigints('prisma/postgres/schema.prisma').map((line) => line.trim().split(/\s+/)[0])).toEqual(['id', 'taskId']);
  });
});
