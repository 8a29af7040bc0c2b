import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isBurrowError } from 'burrowjs';
import { planQuery } from '../../../../plugins/resources/internal/query/index.js';
import { planOf } from './fixture.js';

const plan = planOf();

/** Runs a query: true when it plans, the error's code when it is a 400 of the query family; anything else fails. */
function outcome(query: Record<string, unknown>): true | string {
  try {
    planQuery(plan, query);
    return true;
  } catch (error) {
    expect(isBurrowError(error), String(error)).toBe(true);
    if (!isBurrowError(error)) throw error;
    expect(error.status).toBe(400);
    expect(error.code).toMatch(/^BURROW_ERR_QUERY_/);
    return error.code;
  }
}

const TOKENS = [
  'title', 'priority', 'due', 'status', 'id', 'project.name', 'passwordHash', '__proto__', 'constructor', 'meta', 'tags.name',
  'eq', 'NE', 'gt', 'gte', 'lt', 'LTE', 'in', 'contains', 'startsWith', 'isNull', 'like', 'and', 'OR', 'not', 'true', 'false', 'null',
  '(', ')', ',', "'", "''", "'x'", "'2025-01-01'", "'todo'", '1', '-2', '1.5', '1e3', '9223372036854775808', '.', '"', ';', '--', '*', '\u0000', 'é', '😀',
];
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).chain((parts) =>
  fc.array(fc.constantFrom(' ', '', '  ', '\t'), { minLength: parts.length, maxLength: parts.length }).map((gaps) => parts.map((p, i) => p + gaps[i]).join('')),
);

describe('properties', () => {
  it('the filter parser answers any text with a plan or a 400 of the query family', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), soup), (filter) => void outcome({ filter })), { numRuns: 2000 });
  });

  it('every other parameter answers any value with a plan or a 400 of the query family', () => {
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), soup, fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 4 }), fc.anything());
    const param = fc.constantFrom('sort', 'dir', 'offset', 'limit', 'cursor', 'select', 'include', 'count', 'filter');
    fc.assert(fc.property(fc.dictionary(param, value, { maxKeys: 4 }), (query) => void outcome(query)), { numRuns: 2000 });
  });

  it('generated valid expressions compile to the where they mean, over view fields only', () => {
    type Gen = { text: string; where: Record<string, unknown> };
    const kw = (word: string) => fc.constantFrom(word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1));
    const str = (text: string) => `'${text.replaceAll("'", "''")}'`;
    const ordered = fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte');
    const key = (op: string) => (op === 'eq' ? 'equals' : op === 'ne' ? 'not' : op);
    const leaf: fc.Arbitrary<Gen> = fc.oneof(
      fc.tuple(ordered, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })).map(([op, v]) => ({ text: `priority ${op} ${v}`, where: { priority: { [key(op)]: v } } })),
      fc.tuple(fc.constantFrom('eq', 'ne', 'gt', 'lt', 'contains', 'startsWith'), fc.string({ unit: 'grapheme', maxLength: 20 })).map(([op, v]) => ({ text: `title ${op} ${str(v)}`, where: { title: { [key(op)]: v } } })),
      fc.tuple(fc.constantFrom('eq', 'ne'), fc.constantFrom('todo', 'doing', 'done')).map(([op, v]) => ({ text: `status ${op} '${v}'`, where: { status: { [key(op)]: v } } })),
      fc.tuple(ordered, fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), fc.boolean()).map(([op, v, quoted]) => ({ text: `id ${op} ${quoted ? `'${v}'` : v}`, where: { id: { [key(op)]: v } } })),
      fc.tuple(ordered, fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true })).map(([op, d]) => ({ text: `due ${op} '${d.toISOString()}'`, where: { due: { [key(op)]: d } } })),
      fc.tuple(ordered, fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0))).map(([op, v]) => ({ text: `ratio ${op} ${v}`, where: { ratio: { [key(op)]: v } } })),
      fc.tuple(ordered, fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 99 })).map(([op, i, f]) => ({ text: `estimate ${op} ${i}.${f}`, where: { estimate: { [key(op)]: `${i}.${f}` } } })),
      fc.tuple(fc.constantFrom('eq', 'ne'), fc.boolean()).map(([op, v]) => ({ text: `done ${op} ${v}`, where: { done: { [key(op)]: v } } })),
      fc.tuple(kw('in'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 })).map(([word, vs]) => ({ text: `priority ${word} (${vs.join(' , ')})`, where: { priority: { in: vs } } })),
      fc.tuple(kw('isNull'), fc.constantFrom(undefined, true, false)).map(([word, flag]) => ({ text: `due ${word}${flag === undefined ? '' : ` ${flag}`}`, where: { due: flag === false ? { not: null } : { equals: null } } })),
      fc.string({ unit: 'grapheme', maxLength: 10 }).map((v) => ({ text: `project.name eq ${str(v)}`, where: { project: { is: { name: { equals: v } } } } })),
    );
    const tree = fc.letrec<{ node: Gen }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(fc.constantFrom('and', 'or'), kw('and'), kw('or'), tie('node'), tie('node')).map(([kind, and, or, a, b]) => ({
          text: `(${a.text}) ${kind === 'and' ? and : or} (${b.text})`,
          where: { [kind === 'and' ? 'AND' : 'OR']: [a.where, b.where] },
        })),
        fc.tuple(kw('not'), tie('node')).map(([not, a]) => ({ text: `${not} (${a.text})`, where: { NOT: a.where } })),
      ),
    })).node;
    const FIELDS = new Set(['id', 'title', 'status', 'priority', 'done', 'ratio', 'due', 'estimate', 'projectId', 'project']);
    const OPS = new Set(['equals', 'not', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'startsWith']);
    const leavesOk = (where: Record<string, unknown>): boolean =>
      Object.entries(where).every(([k, v]) => {
        if (k === 'AND' || k === 'OR') return (v as Record<string, unknown>[]).every(leavesOk);
        if (k === 'NOT') return leavesOk(v as Record<string, unknown>);
        if (k === 'project') return Object.keys((v as { is: object }).is).every((f) => f === 'name' || f === 'id');
        return FIELDS.has(k) && Object.keys(v as object).every((op) => OPS.has(op));
      });
    fc.assert(
      fc.property(tree.filter((g) => g.text.length <= 2000), (g) => {
        const where = planQuery(plan, { filter: g.text }).findMany.where!;
        expect(where).toEqual(g.where);
        expect(leavesOk(where)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  describe('cursor paging', () => {
    type Row = { id: bigint; priority: number; title: string; due: Date | null; estimate: string | null; done: boolean };
    const rowsArb = fc
      .array(
        fc.record({
          priority: fc.integer({ min: 0, max: 2 }),
          title: fc.constantFrom('a', 'b', "c'd"),
          due: fc.constantFrom(null, new Date('2025-01-01T00:00:00Z'), new Date('2025-06-01T12:30:00.250Z')),
          estimate: fc.constantFrom(null, '1.5', '10.25'),
          done: fc.boolean(),
        }),
        { maxLength: 25 },
      )
      .map((rs) => rs.map((r, i): Row => ({ ...r, id: BigInt(i * 7 + 1) })));
    const sortArb = fc
      .subarray(['priority', 'title', 'due', 'estimate', 'done'], { maxLength: 3 })
      .chain((keys) => fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }))
      .chain((keys) => fc.array(fc.boolean(), { minLength: keys.length, maxLength: keys.length }).map((desc) => keys.map((k, i) => (desc[i] ? `-${k}` : k)).join(',')));

    const comparable = (v: unknown): number | bigint | string => (v instanceof Date ? v.getTime() : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : (v as number | bigint | string));
    const cmp = (a: unknown, b: unknown): number => {
      const x = comparable(a);
      const y = comparable(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    const matches = (where: Record<string, unknown> | undefined, row: Row): boolean =>
      !where ||
      Object.entries(where).every(([k, v]) => {
        if (k === 'AND') return (v as Record<string, unknown>[]).every((w) => matches(w, row));
        if (k === 'OR') return (v as Record<string, unknown>[]).some((w) => matches(w, row));
        if (k === 'NOT') return !matches(v as Record<string, unknown>, row);
        const value = row[k as keyof Row];
        return Object.entries(v as Record<string, unknown>).every(([op, target]) => {
          if (target === null) return op === 'equals' ? value === null : value !== null;
          if (value === null) return false;
          const c = cmp(value, target);
          return op === 'equals' ? c === 0 : op === 'not' ? c !== 0 : op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : false;
        });
      });
    const sorter = (orderBy: Record<string, unknown>[]) => (a: Row, b: Row): number => {
      for (const entry of orderBy) {
        const [field, spec] = Object.entries(entry)[0];
        const dir = typeof spec === 'string' ? spec : (spec as { sort: string }).sort;
        const x = a[field as keyof Row];
        const y = b[field as keyof Row];
        if (x === null || y === null) {
          if (x === y) continue;
          return x === null ? 1 : -1; // nulls last, either direction
        }
        const c = cmp(x, y);
        if (c) return dir === 'desc' ? -c : c;
      }
      return 0;
    };

    it('following nextCursor page after page visits every row once, in order (nulls included)', () => {
      fc.assert(
        fc.property(rowsArb, sortArb, fc.integer({ min: 1, max: 6 }), fc.constantFrom(undefined, 'priority ne 1', "title eq 'c''d' or due isNull"), (rows, sort, limit, filter) => {
          const base = { sort, limit, ...(filter ? { filter } : {}) };
          const first = planQuery(plan, base);
          const order = sorter(first.findMany.orderBy);
          const expected = rows.filter((r) => matches(first.countWhere, r)).sort(order).map((r) => r.id);
          const seen: bigint[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= rows.length + 1; pages++) {
            const result = planQuery(plan, cursor ? { ...base, cursor } : base);
            const page = rows.filter((r) => matches(result.findMany.where, r)).sort(order).slice(0, result.findMany.take);
            seen.push(...page.map((r) => r.id));
            if (page.length < limit) break;
            cursor = result.encodeNext(page[page.length - 1]);
          }
          expect(seen).toEqual(expected);
        }),
        { numRuns: 400 },
      );
    });

    it('any one-character change to a cursor makes it invalid', () => {
      fc.assert(
        fc.property(rowsArb.filter((rs) => rs.length > 0), sortArb, fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), (rows, sort, at, ch) => {
          const cursor = planQuery(plan, { sort }).encodeNext(rows[0])!;
          const i = at % cursor.length;
          fc.pre(cursor[i] !== ch);
          const tampered = cursor.slice(0, i) + ch + cursor.slice(i + 1);
          expect(outcome({ sort, cursor: tampered })).toBe('BURROW_ERR_QUERY_CURSOR_INVALID');
        }),
        { numRuns: 500 },
      );
    });
  });
});
