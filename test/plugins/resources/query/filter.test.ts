import { describe, expect, it } from 'vitest';
import { planQuery } from '../../../../plugins/resources/internal/query/index.js';
import { planOf } from './fixture.js';
import { expect400 } from './helpers.js';

const plan = planOf();
const where = (filter: string) => planQuery(plan, { filter }).findMany.where;
const fails = (filter: string, code: string, ...details: string[]) => expect400(() => planQuery(plan, { filter }), code, 'parameter filter:', ...details);

describe('filter expressions', () => {
  it('compiles each operator to its Prisma condition', () => {
    expect(where("title eq 'a'")).toEqual({ title: { equals: 'a' } });
    expect(where("title ne 'a'")).toEqual({ title: { not: 'a' } });
    expect(where('priority gt 1')).toEqual({ priority: { gt: 1 } });
    expect(where('priority gte 1')).toEqual({ priority: { gte: 1 } });
    expect(where('priority lt -1')).toEqual({ priority: { lt: -1 } });
    expect(where('priority lte 0')).toEqual({ priority: { lte: 0 } });
    expect(where("title contains 'bug'")).toEqual({ title: { contains: 'bug' } });
    expect(where("title startsWith 'Fix'")).toEqual({ title: { startsWith: 'Fix' } });
    expect(where('priority in (1, 2,3)')).toEqual({ priority: { in: [1, 2, 3] } });
    expect(where("status in ('todo','done')")).toEqual({ status: { in: ['todo', 'done'] } });
    expect(where('due isNull')).toEqual({ due: { equals: null } });
    expect(where('due isNull true')).toEqual({ due: { equals: null } });
    expect(where('due isNull false')).toEqual({ due: { not: null } });
    expect(where('due eq null')).toEqual({ due: { equals: null } });
    expect(where('due ne null')).toEqual({ due: { not: null } });
    expect(where("title gt 'm'")).toEqual({ title: { gt: 'm' } });
  });

  it('gives and precedence over or, and honours parentheses and not', () => {
    expect(where("status eq 'todo' and (priority gte 3 or due isNull)")).toEqual({
      AND: [{ status: { equals: 'todo' } }, { OR: [{ priority: { gte: 3 } }, { due: { equals: null } }] }],
    });
    expect(where('priority eq 1 or priority eq 2 and done eq true')).toEqual({
      OR: [{ priority: { equals: 1 } }, { AND: [{ priority: { equals: 2 } }, { done: { equals: true } }] }],
    });
    expect(where('not (priority eq 1 or not done eq false)')).toEqual({
      NOT: { OR: [{ priority: { equals: 1 } }, { NOT: { done: { equals: false } } }] },
    });
    expect(where('((priority eq 1))')).toEqual({ priority: { equals: 1 } });
  });

  it('takes keywords and operators in any case', () => {
    expect(where("title EQ 'a' AND priority GTE 2 Or NOT due ISNULL FALSE")).toEqual({
      OR: [{ AND: [{ title: { equals: 'a' } }, { priority: { gte: 2 } }] }, { NOT: { due: { not: null } } }],
    });
    expect(where("title STARTSWITH 'x' and done eq TRUE and due eq NULL")).toEqual({
      AND: [{ title: { startsWith: 'x' } }, { done: { equals: true } }, { due: { equals: null } }],
    });
    expect(where('priority IN (1)')).toEqual({ priority: { in: [1] } });
    // Field names are the contract's, case and all.
    fails("Title eq 'a'", 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"Title" is not a field');
  });

  it('follows a to-one relation the view declares (project.name)', () => {
    expect(where("project.name eq 'Apollo'")).toEqual({ project: { is: { name: { equals: 'Apollo' } } } });
    expect(where('project.id in (1,2) and projectId ne 3')).toEqual({
      AND: [{ project: { is: { id: { in: [1, 2] } } } }, { projectId: { not: 3 } }],
    });
  });

  it('converts values to the type of their field', () => {
    expect(where('id eq 9007199254740993')).toEqual({ id: { equals: 9007199254740993n } });
    expect(where("id eq '9223372036854775807'")).toEqual({ id: { equals: 9223372036854775807n } });
    expect(where('id in (1, \'2\')')).toEqual({ id: { in: [1n, 2n] } });
    expect(where('estimate gt 1.50')).toEqual({ estimate: { gt: '1.50' } });
    expect(where("estimate lte '12345678901234567890.123456789'")).toEqual({ estimate: { lte: '12345678901234567890.123456789' } });
    expect(where('ratio lt 0.25')).toEqual({ ratio: { lt: 0.25 } });
    expect(where('ratio gt 1e3')).toEqual({ ratio: { gt: 1000 } });
    expect(where("due lt '2025-03-01'")).toEqual({ due: { lt: new Date('2025-03-01T00:00:00.000Z') } });
    expect(where("due gte '2025-03-01T10:20:30.5+02:00'")).toEqual({ due: { gte: new Date('2025-03-01T08:20:30.500Z') } });
    expect(where("due gte '2024-02-29t00:00:00z'")).toEqual({ due: { gte: new Date('2024-02-29T00:00:00.000Z') } });
    expect(where('done ne false')).toEqual({ done: { not: false } });
    expect(where("status eq 'doing'")).toEqual({ status: { equals: 'doing' } });
  });

  it('passes SQL-looking text and unicode as data', () => {
    expect(where("title eq 'x'' OR 1=1 --'")).toEqual({ title: { equals: "x' OR 1=1 --" } });
    expect(where("title eq '; DROP TABLE \"Task\"; --'")).toEqual({ title: { equals: '; DROP TABLE "Task"; --' } });
    expect(where("title contains 'café ☕ 日本 𝄞'")).toEqual({ title: { contains: 'café ☕ 日本 𝄞' } });
    expect(where("title eq ''")).toEqual({ title: { equals: '' } });
    expect(where("title eq ''''")).toEqual({ title: { equals: "'" } });
    expect(where("title eq 'a\nb\\'")).toEqual({ title: { equals: 'a\nb\\' } });
  });

  it('escapes LIKE wildcards in contains and startsWith when the database takes a backslash escape', () => {
    // Prisma hands contains/startsWith to LIKE unescaped: without the option, % and _ stay wildcards (SQLite has no escape).
    expect(where("title contains '50%_\\'")).toEqual({ title: { contains: '50%_\\' } });
    const escaping = planOf({ likeEscape: true });
    const escaped = (filter: string) => planQuery(escaping, { filter }).findMany.where;
    expect(escaped("title contains '50%_\\' and title startsWith 'a_' and title eq 'a_%'")).toEqual({
      AND: [{ title: { contains: '50\\%\\_\\\\' } }, { title: { startsWith: 'a\\_' } }, { title: { equals: 'a_%' } }],
    });
    const byParam = planOf({ params: ['q'], binding: { fields: { q: { field: 'title', op: 'contains' } } }, likeEscape: true });
    expect(planQuery(byParam, { q: '100%' }).findMany.where).toEqual({ title: { contains: '100\\%' } });
  });

  it('takes an empty expression as no filter', () => {
    expect(where('')).toBeUndefined();
    expect(where('   ')).toBeUndefined();
  });

  describe('rejects', () => {
    it('a field that does not exist, listing the fields', () => {
      const error = fails("owner eq 'x'", 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"owner" is not a field you can filter on here');
      expect(error.detail).toBe(
        'parameter filter: "owner" is not a field you can filter on here; fields: id, title, status, priority, done, ratio, due, estimate, projectId, project.id, project.name',
      );
    });

    it('a model field the contract does not declare, exactly like one that does not exist', () => {
      const undeclared = fails("passwordHash eq 'x'", 'BURROW_ERR_QUERY_FIELD_UNKNOWN');
      const nowhere = fails("nothing eq 'x'", 'BURROW_ERR_QUERY_FIELD_UNKNOWN');
      expect(undeclared.detail.replace('passwordHash', 'X')).toBe(nowhere.detail.replace('nothing', 'X'));
      expect(undeclared.detail).not.toContain('String');
      // A write-only field, and a relation of the model the view leaves out, read the same.
      fails("pin eq '1234'", 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"pin" is not a field');
      fails("project.ownerId eq 1", 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"project.ownerId"');
      fails("tags.name eq 'x'", 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"tags.name"');
      fails("project eq 1", 'BURROW_ERR_QUERY_FIELD_UNKNOWN', '"project"');
    });

    it('prototype names as fields', () => {
      for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__proto__.polluted', 'constructor.prototype']) {
        fails(`${name} eq 1`, 'BURROW_ERR_QUERY_FIELD_UNKNOWN', `"${name}" is not a field`);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('an unknown operator, listing the operators', () => {
      const error = fails("title like 'a%'", 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN');
      expect(error.detail).toBe('parameter filter: "like" is not an operator; operators: eq, ne, gt, gte, lt, lte, in, contains, startsWith, isNull');
      fails("title = 'a'", 'BURROW_ERR_QUERY_SYNTAX', 'unexpected character "="');
    });

    it('an operator that does not fit the field type', () => {
      expect(fails('priority contains 1', 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN').detail).toBe(
        'parameter filter: "contains" does not apply to priority (Int); operators: eq, ne, gt, gte, lt, lte, in',
      );
      fails("due startsWith '2025'", 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN', 'does not apply to due (DateTime)', 'operators: eq, ne, gt, gte, lt, lte, in, isNull');
      fails('done gt false', 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN', 'does not apply to done (Boolean); operators: eq, ne');
      fails("status gt 'todo'", 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN', 'does not apply to status (TaskStatus); operators: eq, ne, in');
      fails('title isNull', 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN', 'does not apply to title: it is never null');
      fails('meta isNull', 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN', 'does not apply to meta: Json fields cannot be filtered; operators: (none)');
      fails("meta eq 'x'", 'BURROW_ERR_QUERY_OPERATOR_UNKNOWN', 'Json fields cannot be filtered');
    });

    it('a value of the wrong type', () => {
      expect(fails("priority eq 'high'", 'BURROW_ERR_QUERY_VALUE_INVALID').detail).toBe(
        'parameter filter: "high" is not a valid value of priority (an integer from -2147483648 to 2147483647)',
      );
      fails('priority eq 1.5', 'BURROW_ERR_QUERY_VALUE_INVALID', '1.5 is not a valid value of priority');
      fails('priority eq 2147483648', 'BURROW_ERR_QUERY_VALUE_INVALID', '2147483648');
      fails('priority eq true', 'BURROW_ERR_QUERY_VALUE_INVALID', 'true is not a valid value of priority');
      fails('title eq 5', 'BURROW_ERR_QUERY_VALUE_INVALID', '5 is not a valid value of title (text in single quotes)');
      fails("done eq 'yes'", 'BURROW_ERR_QUERY_VALUE_INVALID', '"yes" is not a valid value of done (true or false)');
      fails('id eq 1.5', 'BURROW_ERR_QUERY_VALUE_INVALID', 'a 64-bit integer');
      fails('id eq 9223372036854775808', 'BURROW_ERR_QUERY_VALUE_INVALID', 'a 64-bit integer');
      fails("estimate eq 'ten'", 'BURROW_ERR_QUERY_VALUE_INVALID', 'a decimal number');
      fails('title eq null', 'BURROW_ERR_QUERY_VALUE_INVALID', 'null is not a valid value of title', 'it is never null');
      fails('due gt null', 'BURROW_ERR_QUERY_VALUE_INVALID', 'null goes only with eq, ne or isNull');
      fails('due in (null)', 'BURROW_ERR_QUERY_VALUE_INVALID', 'in (...) takes no null');
    });

    it('a value outside the enum', () => {
      expect(fails("status eq 'archived'", 'BURROW_ERR_QUERY_VALUE_INVALID').detail).toBe(
        "parameter filter: \"archived\" is not a valid value of status (one of 'todo', 'doing', 'done')",
      );
      fails("status in ('todo', 'TODO')", 'BURROW_ERR_QUERY_VALUE_INVALID', '"TODO"');
    });

    it('a date that is not one', () => {
      for (const bad of ['2025-02-30', '2025-13-01', '2025-1-1', 'tomorrow', '2025-03-01T25:00:00Z', '2025-03-01T10:00:00', '2023-02-29', '']) {
        fails(`due lt '${bad}'`, 'BURROW_ERR_QUERY_VALUE_INVALID', 'is not a valid value of due', "a date 'YYYY-MM-DD'");
      }
      fails('due lt 20250301', 'BURROW_ERR_QUERY_VALUE_INVALID');
    });

    it('malformed expressions, saying where', () => {
      fails("title eq 'a", 'BURROW_ERR_QUERY_SYNTAX', 'the string that starts at position 10 is not closed');
      fails("(title eq 'a'", 'BURROW_ERR_QUERY_SYNTAX', 'expected ")" to close the "(" at position 1, found the end at the end');
      fails("title eq 'a')", 'BURROW_ERR_QUERY_SYNTAX', 'unexpected ")" at position 13 (no "(" to close)');
      fails('title eq', 'BURROW_ERR_QUERY_SYNTAX', 'expected a value after "eq"');
      fails("title 'a'", 'BURROW_ERR_QUERY_SYNTAX', 'expected an operator after "title"');
      fails("title eq 'a' priority eq 1", 'BURROW_ERR_QUERY_SYNTAX', 'unexpected "priority" at position 14; join comparisons with and / or');
      fails("title eq 'a' and", 'BURROW_ERR_QUERY_SYNTAX', 'expected a field name');
      fails('priority in ()', 'BURROW_ERR_QUERY_SYNTAX', 'expected a value after "in"');
      fails('priority in (1,)', 'BURROW_ERR_QUERY_SYNTAX');
      fails('priority in 1', 'BURROW_ERR_QUERY_SYNTAX', 'expected "(" after "in"');
      fails('status eq todo', 'BURROW_ERR_QUERY_SYNTAX', 'expected a value after "eq"', 'found "todo"');
      fails('priority eq 12abc', 'BURROW_ERR_QUERY_SYNTAX', 'unexpected character "a"');
      fails('ti€le eq 1', 'BURROW_ERR_QUERY_SYNTAX', 'unexpected character "€" at position 3');
      fails('project. eq 1', 'BURROW_ERR_QUERY_SYNTAX', 'unexpected character "."');
      fails("title eq \"a\"", 'BURROW_ERR_QUERY_SYNTAX', 'strings go in single quotes');
    });

    it('an expression over the limits, saying which', () => {
      fails(`title eq '${'x'.repeat(2000)}'`, 'BURROW_ERR_QUERY_SYNTAX', 'the expression is 2011 characters long; the most is 2000');
      expect(where(`${'('.repeat(16)}priority eq 1${')'.repeat(16)}`)).toEqual({ priority: { equals: 1 } });
      fails(`${'('.repeat(17)}priority eq 1${')'.repeat(17)}`, 'BURROW_ERR_QUERY_SYNTAX', 'nests deeper than 16 levels');
      fails(`${'not '.repeat(17)}done eq true`, 'BURROW_ERR_QUERY_SYNTAX', 'nests deeper than 16 levels');
      expect(where(Array(50).fill('priority eq 1').join(' or '))).toMatchObject({ OR: expect.any(Array) });
      fails(Array(51).fill('priority eq 1').join(' or '), 'BURROW_ERR_QUERY_SYNTAX', 'more than 50 comparisons');
      const values = (n: number) => Array.from({ length: n }, (_, i) => i).join(',');
      expect(where(`priority in (${values(100)})`)).toEqual({ priority: { in: Array.from({ length: 100 }, (_, i) => i) } });
      fails(`priority in (${values(101)})`, 'BURROW_ERR_QUERY_SYNTAX', 'lists more than 100 values');
    });

    it('a filter that is not one string', () => {
      expect400(() => planQuery(plan, { filter: ['a', 'b'] }), 'BURROW_ERR_QUERY_SYNTAX', 'parameter filter: expected one filter expression');
    });
  });
});
