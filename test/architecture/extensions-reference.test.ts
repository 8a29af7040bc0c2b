import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BURROW_EXTENSIONS, type ExtensionBinder } from '../../core/index.js';
import { builtInPlugins, everyPluginKernel } from '../../cli/built-in-plugins.js';

/**
 * `openapi/README.md` documents the `x-burrow-*` extensions in one table:
 *
 * | extension | on | value | bound by | schema |
 * | --- | --- | --- | --- | --- |
 * | `x-burrow-cache` | operation | `{ maxAge }` | the cache plugin | `{"type":"object"}` |
 *
 * The **extension** cell is the name in a code span. The **schema** cell is `—` while no
 * built-in plugin binds the extension, else the JSON Schema its binder registers, as JSON
 * in one code span (`|` inside written `\|`); it is compared as data, so key order and
 * spacing are free. This test keeps the table in step with core's `BURROW_EXTENSIONS`
 * and with the binders of the plugins under `plugins/`.
 */
const REFERENCE = 'openapi/README.md';
const COLUMNS = ['extension', 'on', 'value', 'bound by', 'schema'];

interface ReferenceRow {
  extension: string;
  cells: Record<string, string>;
  line: number;
}

/** Splits a Markdown table row into cells, honouring `\|`. */
function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** The rows of the first table whose first header cell is `extension`. */
function parseExtensionTable(markdown: string): { columns: string[]; rows: ReferenceRow[] } | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line, i) => line.trim().startsWith('|') && cellsOf(line)[0]?.toLowerCase() === 'extension' && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? ''));
  if (start === -1) return undefined;
  const columns = cellsOf(lines[start]!).map((c) => c.toLowerCase());
  const rows: ReferenceRow[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) {
    const cells = cellsOf(lines[i]!);
    rows.push({ extension: unquote(cells[0] ?? ''), cells: Object.fromEntries(columns.map((c, j) => [c, cells[j] ?? ''])), line: i + 1 });
  }
  return { columns, rows };
}

/** The text of a cell that is one code span (`` `x` `` or ``` `` x `` ```), else the cell. */
function unquote(cell: string): string {
  const span = /^(`+)\s?([\s\S]*?)\s?\1$/.exec(cell);
  return span ? span[2]! : cell;
}

/** The schema a cell documents: `undefined` for `—`, the parsed JSON, or an error message. */
function schemaOf(cell: string): { schema?: unknown; error?: string } {
  if (cell === '—' || cell === '-' || cell === '') return {};
  try {
    return { schema: JSON.parse(unquote(cell)) };
  } catch (error) {
    return { error: `is not JSON in a code span (${(error as Error).message})` };
  }
}

/** Deep equality of JSON data, ignoring key order. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Everything that keeps the table from matching core's list and the built-in binders. */
function checkReference(
  rows: ReferenceRow[],
  known: Readonly<Record<string, string>>,
  binders: { name: string; owner: string; schema: object }[],
): string[] {
  const problems: string[] = [];
  const at = (row: ReferenceRow) => `${REFERENCE}:${row.line}`;
  const byName = new Map<string, ReferenceRow>();
  for (const row of rows) {
    if (byName.has(row.extension)) problems.push(`${at(row)}: ${row.extension} has a second row`);
    else byName.set(row.extension, row);
  }
  for (const [name, hint] of Object.entries(known)) {
    const row = byName.get(name);
    if (!row) {
      problems.push(`${name} (core's BURROW_EXTENSIONS) has no row`);
      continue;
    }
    const plugin = hint.replace(/\s*\(.*$/, '');
    if (!row.cells['bound by']?.includes(plugin)) problems.push(`${at(row)}: ${name} is bound by ${plugin} (BURROW_EXTENSIONS), the row says "${row.cells['bound by']}"`);
  }
  const bound = new Map(binders.map((b) => [b.name, b]));
  for (const binder of binders) {
    const row = byName.get(binder.name);
    if (!row) {
      problems.push(`${binder.name} (bound by ${binder.owner}) has no row`);
      continue;
    }
    const { schema, error } = schemaOf(row.cells.schema ?? '');
    if (error) problems.push(`${at(row)}: the schema of ${binder.name} ${error}`);
    else if (schema === undefined) problems.push(`${at(row)}: ${binder.name} is bound by ${binder.owner}: its schema column must be the schema it registers, not "${row.cells.schema}"`);
    else if (!sameJson(schema, binder.schema)) problems.push(`${at(row)}: the schema of ${binder.name} differs from the one ${binder.owner} registers: ${JSON.stringify(binder.schema)}`);
  }
  for (const row of rows) {
    if (!row.extension.startsWith('x-burrow-')) problems.push(`${at(row)}: "${row.extension}" is not an x-burrow-* extension name in a code span`);
    else if (!(row.extension in known) && !bound.has(row.extension)) problems.push(`${at(row)}: ${row.extension} is neither in core's BURROW_EXTENSIONS nor bound by a built-in plugin`);
    else if (!bound.has(row.extension) && schemaOf(row.cells.schema ?? '').schema !== undefined) {
      problems.push(`${at(row)}: ${row.extension} documents a schema, but no built-in plugin binds it yet (write —)`);
    }
  }
  return problems;
}

describe('the x-burrow-* extension reference (openapi/README.md)', () => {
  const table = parseExtensionTable(readFileSync(REFERENCE, 'utf8'));

  it(`has the table, with the columns ${COLUMNS.join(', ')}`, () => {
    expect(table?.columns).toEqual(COLUMNS);
    expect(table!.rows.length).toBeGreaterThan(0);
  });

  it("has a row for every extension of core's BURROW_EXTENSIONS and every binder of the built-in plugins, with the schema it registers", async () => {
    const plugins = await builtInPlugins();
    expect(plugins.map((p) => p.folder)).toContain('openapi-docs');
    for (const { folder, plugin } of plugins) expect(plugin.name, `the plugin in plugins/${folder}/`).toBe(folder);

    const kernel = await everyPluginKernel(plugins);
    const binders = kernel.extensions.entries().map(([name, binder]: [string, ExtensionBinder]) => ({ name, owner: kernel.extensions.ownerOf(name) ?? '?', schema: binder.schema }));
    await kernel.close();

    const problems = checkReference(table!.rows, BURROW_EXTENSIONS, binders);
    expect(problems, `${REFERENCE} is out of step:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`).toEqual([]);
  });
});

describe('the reference checker', () => {
  const markdown = [
    '# x',
    '',
    '| file | what |',
    '| --- | --- |',
    '| `a.yaml` | not this table |',
    '',
    '| extension | on | value | bound by | schema |',
    '| --- | --- | --- | --- | --- |',
    '| `x-burrow-cache` | operation | `{ maxAge, scope: public\\|private }` | the cache plugin (to come) | — |',
    '| `x-burrow-rights` | operation | `{ groups }` | the auth plugin | `{ "type": "object", "required": ["groups"], "properties": { "groups": { "type": "array" } } }` |',
    '| `x-burrow-enum` | root | `a\\|b` | the enum plugin | ``{"enum":["a\\|b"]}`` |',
    '',
    'after the table',
  ].join('\n');
  const known = { 'x-burrow-cache': 'the cache plugin (burrowjs/plugins/cache)', 'x-burrow-rights': 'the auth plugin (burrowjs/plugins/auth)' };
  const rightsSchema = { required: ['groups'], type: 'object', properties: { groups: { type: 'array' } } };

  it('parses the extension table: names, escaped pipes, schema cells', () => {
    const table = parseExtensionTable(markdown)!;
    expect(table.columns).toEqual(COLUMNS);
    expect(table.rows.map((r) => [r.extension, r.line])).toEqual([
      ['x-burrow-cache', 9],
      ['x-burrow-rights', 10],
      ['x-burrow-enum', 11],
    ]);
    expect(table.rows[0]!.cells.value).toBe('`{ maxAge, scope: public|private }`');
    expect(schemaOf(table.rows[0]!.cells.schema!)).toEqual({});
    expect(schemaOf(table.rows[1]!.cells.schema!)).toEqual({ schema: rightsSchema });
    expect(schemaOf(table.rows[2]!.cells.schema!)).toEqual({ schema: { enum: ['a|b'] } });
  });

  it('accepts a table in step, whatever the key order of a schema', () => {
    const rows = parseExtensionTable(markdown)!.rows;
    const binders = [
      { name: 'x-burrow-rights', owner: 'plugin auth', schema: rightsSchema },
      { name: 'x-burrow-enum', owner: 'plugin enum', schema: { enum: ['a|b'] } },
    ];
    expect(checkReference(rows, known, binders)).toEqual([]);
  });

  it('reports every way the table can fall out of step', () => {
    const rows = parseExtensionTable(markdown)!.rows;
    const problems = checkReference(
      rows,
      { ...known, 'x-burrow-service': 'the services plugin (burrowjs/plugins/services)', 'x-burrow-enum': 'the enumerations plugin (burrowjs/plugins/enum)' },
      [
        { name: 'x-burrow-rights', owner: 'plugin auth', schema: { type: 'object' } },
        { name: 'x-burrow-cache', owner: 'plugin cache', schema: { type: 'object' } },
        { name: 'x-burrow-new', owner: 'plugin new', schema: {} },
      ],
    );
    expect(problems).toEqual([
      "x-burrow-service (core's BURROW_EXTENSIONS) has no row",
      `${REFERENCE}:11: x-burrow-enum is bound by the enumerations plugin (BURROW_EXTENSIONS), the row says "the enum plugin"`,
      `${REFERENCE}:10: the schema of x-burrow-rights differs from the one plugin auth registers: {"type":"object"}`,
      `${REFERENCE}:9: x-burrow-cache is bound by plugin cache: its schema column must be the schema it registers, not "—"`,
      'x-burrow-new (bound by plugin new) has no row',
      `${REFERENCE}:11: x-burrow-enum documents a schema, but no built-in plugin binds it yet (write —)`,
    ]);
  });

  it('reports a row no one knows, a schema for an unbound extension, a bad schema cell and a second row', () => {
    const extra = [
      '| extension | on | value | bound by | schema |',
      '| --- | --- | --- | --- | --- |',
      '| `x-burrow-ghost` | operation | x | nobody | — |',
      '| `x-burrow-cache` | operation | x | the cache plugin | `{"type":"object"}` |',
      '| `x-burrow-rights` | operation | x | the auth plugin | `{type: object}` |',
      '| `x-burrow-rights` | operation | x | the auth plugin | — |',
      '| x-acme-thing | operation | x | acme | — |',
    ].join('\n');
    const rows = parseExtensionTable(extra)!.rows;
    const problems = checkReference(rows, known, [{ name: 'x-burrow-rights', owner: 'plugin auth', schema: {} }]);
    expect(problems).toEqual([
      `${REFERENCE}:6: x-burrow-rights has a second row`,
      `${REFERENCE}:5: the schema of x-burrow-rights is not JSON in a code span (${schemaError('{type: object}')})`,
      `${REFERENCE}:3: x-burrow-ghost is neither in core's BURROW_EXTENSIONS nor bound by a built-in plugin`,
      `${REFERENCE}:4: x-burrow-cache documents a schema, but no built-in plugin binds it yet (write —)`,
      `${REFERENCE}:7: "x-acme-thing" is not an x-burrow-* extension name in a code span`,
    ]);
  });
});

function schemaError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
