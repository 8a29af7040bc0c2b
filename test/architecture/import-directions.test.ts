import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Which way imports may point (STYLE.md 3 and 6b): the kernel never reaches a plugin,
 * the app, the CLI, the benchmarks or the tests; only the Express adapter imports
 * Express; the kernel does not import its adapters; a plugin reaches core only
 * through its public entry and no other plugin or the example app.
 */

/** One import of a source file. */
interface SourceImport {
  /** The module specifier as written; `undefined` for `import(expression)`. */
  specifier: string | undefined;
  line: number;
  /** `import type`, `export type`, `import('x').T` in a type, `/// <reference types>`. */
  typeOnly: boolean;
  /** `import('x')` or `require('x')` at run time. */
  dynamic: boolean;
}

interface SourceFile {
  /** Repository-relative, with `/` separators. */
  file: string;
  imports: SourceImport[];
}

/** A broken direction: which file, which import, and the rule it breaks. */
interface Violation {
  file: string;
  line: number;
  specifier: string;
  typeOnly: boolean;
  rule: string;
}

/** Every import specifier of a TypeScript source: static, re-exports, `import()`, `require()`, import types. */
function readImports(fileName: string, text: string): SourceImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: SourceImport[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named?.length && named.every((e) => e.isTypeOnly)));
      imports.push({ specifier: literal(node.moduleSpecifier), line: lineOf(node), typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      imports.push({ specifier: literal(node.moduleSpecifier), line: lineOf(node), typeOnly: node.isTypeOnly, dynamic: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      imports.push({ specifier: literal(node.moduleReference.expression), line: lineOf(node), typeOnly: node.isTypeOnly, dynamic: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      imports.push({ specifier: literal(node.argument.literal), line: lineOf(node), typeOnly: true, dynamic: false });
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) imports.push({ specifier: literal(node.arguments[0]), line: lineOf(node), typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const ref of source.typeReferenceDirectives) {
    imports.push({ specifier: ref.fileName, line: source.getLineAndCharacterOfPosition(ref.pos).line + 1, typeOnly: true, dynamic: false });
  }
  return imports;
}

/** The package's own specifiers (`burrowjs`, `burrowjs/express`…) → repository paths, from package.json's exports. */
function packageSelfReferences(): Map<string, string> {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; exports: Record<string, string | Record<string, string>> };
  const map = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const source = typeof target === 'object' ? target['burrowjs-source'] : undefined;
    if (source) map.set(pkg.name + subpath.slice(1), path.posix.normalize(source));
  }
  return map;
}

/** What a specifier names: a repository path without extension (`core/index`), or a package. */
type Target = { kind: 'repo'; path: string; self: boolean } | { kind: 'package'; name: string } | { kind: 'unknown' };

function resolveTarget(file: string, specifier: string, self: ReadonlyMap<string, string>): Target {
  const stripExtension = (p: string) => p.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
  if (specifier.startsWith('.')) return { kind: 'repo', path: stripExtension(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))), self: false };
  const own = self.get(specifier);
  if (own) return { kind: 'repo', path: stripExtension(own), self: true };
  if (specifier.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(specifier)) return { kind: 'unknown' };
  const parts = specifier.replace(/^node:/, '').split('/');
  return { kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

const areaOf = (p: string) => p.split('/')[0]!;
const pluginOf = (p: string) => (p.startsWith('plugins/') ? p.split('/')[1] : undefined);
const BUILTINS = new Set(builtinModules);
const FORBIDDEN_TO_CORE = ['plugins', 'example-app', 'cli', 'bench', 'test'];
const FORBIDDEN_TO_PLUGINS = ['example-app', 'cli', 'bench', 'test'];
const EXPRESS_ADAPTER = 'core/http/express.ts';

/** Checks every import of every file against the directions; returns what breaks them. */
function checkImportDirections(files: SourceFile[], self: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const { file, imports } of files) {
    const area = areaOf(file);
    if (area !== 'core' && area !== 'plugins' && area !== 'client') continue;
    const plugin = pluginOf(file);
    for (const { specifier, line, typeOnly, dynamic } of imports) {
      const report = (rule: string) => violations.push({ file, line, specifier: specifier ?? '<computed>', typeOnly, rule });
      if (specifier === undefined) {
        if (dynamic) report('a computed import() cannot be checked: use a string literal');
        continue;
      }
      const target = resolveTarget(file, specifier, self);
      // Client code runs in browsers too, apart from the server: no Node built-ins, nothing of the server.
      if (area === 'client') {
        if (specifier.startsWith('node:') || (target.kind === 'package' && BUILTINS.has(target.name))) report('client code runs in browsers: no Node built-ins');
        else if (target.kind === 'repo' && areaOf(target.path) !== 'client') report(`client code must not import ${areaOf(target.path)}/`);
        continue;
      }
      if (target.kind === 'package') {
        if (target.name === 'express' && file !== EXPRESS_ADAPTER) report(`only ${EXPRESS_ADAPTER} imports express`);
        continue;
      }
      if (target.kind !== 'repo') continue;
      const targetArea = areaOf(target.path);
      if (area === 'core') {
        if (FORBIDDEN_TO_CORE.includes(targetArea)) report(`core must not import ${targetArea}/`);
        else if (target.path.startsWith('core/http/') && !file.startsWith('core/http/')) report('the kernel must not import an adapter (core/http/)');
      } else if (plugin !== undefined) {
        const other = pluginOf(target.path);
        // A plugin may use one it names in dependsOn, as any package would: through its public subpath only.
        if (other !== undefined && other !== plugin) {
          if (!(specifier === `burrowjs/plugins/${other}` && target.path === `plugins/${other}/index`)) {
            report(`a plugin imports another plugin only through its public subpath (burrowjs/plugins/${other}), one it names in dependsOn`);
          }
        }
        else if (FORBIDDEN_TO_PLUGINS.includes(targetArea)) report(`a plugin must not import ${targetArea}/`);
        else if (targetArea === 'core' && target.path !== 'core/index') report("a plugin imports core only through core/index.ts (or 'burrowjs')");
      }
    }
  }
  return violations;
}

/** One line per violation, for the failure message. */
function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `  ${v.file}:${v.line} imports "${v.specifier}"${v.typeOnly ? ' (type-only)' : ''}: ${v.rule}`).join('\n');
}

/**
 * Imports that break a direction on purpose, each with its reason. The test fails
 * when one of them is no longer there, so the list only shrinks.
 */
const KNOWN_EXCEPTIONS: { file: string; specifier: string; typeOnly: true; why: string }[] = [
  {
    file: 'plugins/openapi-docs/internal/swagger-ui.ts',
    specifier: 'express',
    typeOnly: true,
    why: "types the fake request and response it hands swagger-ui-express's middleware; erased at run time",
  },
];

const isKnown = (v: Violation) => KNOWN_EXCEPTIONS.some((e) => e.file === v.file && e.specifier === v.specifier && v.typeOnly);

/** Every `.ts` file of the repository, outside dependencies, build output and dot-folders. */
function repositoryFiles(dir = '.'): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'coverage') continue;
    const full = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...repositoryFiles(full));
    else if (/\.[cm]?ts$/.test(entry.name)) files.push(full);
  }
  return files;
}

describe('import directions of the repository', () => {
  const self = packageSelfReferences();
  const files = repositoryFiles().map((file) => ({ file, imports: readImports(file, readFileSync(file, 'utf8')) }));

  it('reads the sources it is meant to check', () => {
    const names = files.map((f) => f.file);
    expect(names).toContain('core/index.ts');
    expect(names).toContain(EXPRESS_ADAPTER);
    expect(names).toContain('plugins/openapi-docs/index.ts');
    expect(names.filter((f) => f.startsWith('core/')).length).toBeGreaterThan(20);
    expect(files.find((f) => f.file === EXPRESS_ADAPTER)!.imports.map((i) => i.specifier)).toContain('express');
  });

  it('keeps core, the adapter and the plugins pointing the right way', () => {
    const violations = checkImportDirections(files, self).filter((v) => !isKnown(v));
    expect(violations, `imports that break a direction:\n${formatViolations(violations)}\n`).toEqual([]);
  });

  it('still needs every known exception', () => {
    const found = checkImportDirections(files, self);
    const stale = KNOWN_EXCEPTIONS.filter((e) => !found.some((v) => v.file === e.file && v.specifier === e.specifier && v.typeOnly));
    expect(stale, 'exceptions no longer needed: remove them from KNOWN_EXCEPTIONS').toEqual([]);
  });
});

describe('the import reader', () => {
  it('reads static, re-exported, dynamic, required and type-level imports, with their lines', () => {
    const text = [
      "import express from 'express';",
      "import type { Kernel } from '../core/index.js';",
      "import { type A, type B } from './types.js';",
      "import { type C, d } from './mixed.js';",
      "import './side-effect.js';",
      "export { x } from './x.js';",
      "export type { Y } from './y.js';",
      "export * from './all.js';",
      "import fs = require('node:fs');",
      "const lazy = () => import('light-my-request');",
      "const old = require('qs');",
      "type Req = import('node:http').IncomingMessage;",
      'const computed = (name: string) => import(name);',
      '// import { hidden } from "a-comment";',
      "const s = \"import { no } from 'a-string'\";",
    ].join('\n');
    expect(readImports('x.ts', text)).toEqual([
      { specifier: 'express', line: 1, typeOnly: false, dynamic: false },
      { specifier: '../core/index.js', line: 2, typeOnly: true, dynamic: false },
      { specifier: './types.js', line: 3, typeOnly: true, dynamic: false },
      { specifier: './mixed.js', line: 4, typeOnly: false, dynamic: false },
      { specifier: './side-effect.js', line: 5, typeOnly: false, dynamic: false },
      { specifier: './x.js', line: 6, typeOnly: false, dynamic: false },
      { specifier: './y.js', line: 7, typeOnly: true, dynamic: false },
      { specifier: './all.js', line: 8, typeOnly: false, dynamic: false },
      { specifier: 'node:fs', line: 9, typeOnly: false, dynamic: false },
      { specifier: 'light-my-request', line: 10, typeOnly: false, dynamic: true },
      { specifier: 'qs', line: 11, typeOnly: false, dynamic: true },
      { specifier: 'node:http', line: 12, typeOnly: true, dynamic: false },
      { specifier: undefined, line: 13, typeOnly: false, dynamic: true },
    ]);
  });

  it('reads /// <reference types> directives as type-only imports', () => {
    expect(readImports('x.ts', '/// <reference types="express" />\nexport {};')).toEqual([{ specifier: 'express', line: 1, typeOnly: true, dynamic: false }]);
  });
});

describe('the direction checker', () => {
  const self = new Map([
    ['burrowjs', 'core/index.ts'],
    ['burrowjs/express', 'core/http/express.ts'],
    ['burrowjs/plugins/docs', 'plugins/docs/index.ts'],
  ]);
  const file = (name: string, ...specifiers: (string | [string, Partial<SourceImport>])[]): SourceFile => ({
    file: name,
    imports: specifiers.map((s, i) => {
      const [specifier, extra] = typeof s === 'string' ? [s, {}] : s;
      return { specifier, line: i + 1, typeOnly: false, dynamic: false, ...extra };
    }),
  });

  it('finds nothing in files that keep to the directions', () => {
    const files = [
      file('core/kernel/create-kernel.ts', '../plugin/hooks.js', '../errors/codes.js', 'node:http', 'winston', ['light-my-request', { dynamic: true }]),
      file(EXPRESS_ADAPTER, 'express', '../kernel/types.js'),
      file('core/http/fastify.ts', './express.js'),
      file('plugins/docs/index.ts', '../../core/index.js', './internal/page.js', 'yaml'),
      file('plugins/docs/internal/page.ts', '../../../core/index.js', 'burrowjs', '../options.js'),
      file('example-app/app.ts', 'express', '../core/http/express.js', '../plugins/docs/index.js', '../core/kernel/create-kernel.js'),
      file('test/core/x.test.ts', 'express', '../../plugins/docs/index.js', '../../core/request/router.js'),
      file('bench/run.ts', 'express', '../core/http/express.js'),
    ];
    expect(checkImportDirections(files, self)).toEqual([]);
  });

  it('keeps client code free of Node built-ins and of the server', () => {
    const files = [
      file('client/signed-session.ts', '@noble/hashes/scrypt', './canonical.js'),
      file('client/bad.ts', 'node:crypto', 'crypto', '../core/index.js', 'burrowjs', '../plugins/docs/index.js'),
    ];
    expect(formatViolations(checkImportDirections(files, self))).toBe(
      [
        '  client/bad.ts:1 imports "node:crypto": client code runs in browsers: no Node built-ins',
        '  client/bad.ts:2 imports "crypto": client code runs in browsers: no Node built-ins',
        '  client/bad.ts:3 imports "../core/index.js": client code must not import core/',
        '  client/bad.ts:4 imports "burrowjs": client code must not import core/',
        '  client/bad.ts:5 imports "../plugins/docs/index.js": client code must not import plugins/',
      ].join('\n'),
    );
  });

  it('finds each kind of violation, naming the file, line, import and rule', () => {
    const files = [
      file(
        'core/kernel/create-kernel.ts',
        '../../plugins/docs/index.js',
        ['../../example-app/handlers.js', { typeOnly: true }],
        '../../cli/run.js',
        '../../bench/lib/x.js',
        '../../test/helpers.js',
        'burrowjs/plugins/docs',
        'express',
        ['express', { typeOnly: true }],
        '../http/express.js',
        'burrowjs/express',
        [undefined as never, { dynamic: true }],
      ),
      file('plugins/docs/index.ts', 'express', '../other/index.js', 'burrowjs/plugins/docs', '../../example-app/app.js', '../../core/kernel/create-kernel.js', 'burrowjs/express', '../../test/helpers.js'),
      file('plugins/docs/internal/page.ts', '../../cache/internal/store.js', '../../../core/request/context.js'),
    ];
    const violations = checkImportDirections(files, self);
    expect(formatViolations(violations)).toBe(
      [
        '  core/kernel/create-kernel.ts:1 imports "../../plugins/docs/index.js": core must not import plugins/',
        '  core/kernel/create-kernel.ts:2 imports "../../example-app/handlers.js" (type-only): core must not import example-app/',
        '  core/kernel/create-kernel.ts:3 imports "../../cli/run.js": core must not import cli/',
        '  core/kernel/create-kernel.ts:4 imports "../../bench/lib/x.js": core must not import bench/',
        '  core/kernel/create-kernel.ts:5 imports "../../test/helpers.js": core must not import test/',
        '  core/kernel/create-kernel.ts:6 imports "burrowjs/plugins/docs": core must not import plugins/',
        '  core/kernel/create-kernel.ts:7 imports "express": only core/http/express.ts imports express',
        '  core/kernel/create-kernel.ts:8 imports "express" (type-only): only core/http/express.ts imports express',
        '  core/kernel/create-kernel.ts:9 imports "../http/express.js": the kernel must not import an adapter (core/http/)',
        '  core/kernel/create-kernel.ts:10 imports "burrowjs/express": the kernel must not import an adapter (core/http/)',
        '  core/kernel/create-kernel.ts:11 imports "<computed>": a computed import() cannot be checked: use a string literal',
        '  plugins/docs/index.ts:1 imports "express": only core/http/express.ts imports express',
        '  plugins/docs/index.ts:2 imports "../other/index.js": a plugin imports another plugin only through its public subpath (burrowjs/plugins/other), one it names in dependsOn',
        '  plugins/docs/index.ts:4 imports "../../example-app/app.js": a plugin must not import example-app/',
        "  plugins/docs/index.ts:5 imports \"../../core/kernel/create-kernel.js\": a plugin imports core only through core/index.ts (or 'burrowjs')",
        "  plugins/docs/index.ts:6 imports \"burrowjs/express\": a plugin imports core only through core/index.ts (or 'burrowjs')",
        '  plugins/docs/index.ts:7 imports "../../test/helpers.js": a plugin must not import test/',
        '  plugins/docs/internal/page.ts:1 imports "../../cache/internal/store.js": a plugin imports another plugin only through its public subpath (burrowjs/plugins/cache), one it names in dependsOn',
        "  plugins/docs/internal/page.ts:2 imports \"../../../core/request/context.js\": a plugin imports core only through core/index.ts (or 'burrowjs')",
      ].join('\n'),
    );
  });

  it('fails the repository check on a synthetic tree that breaks a direction', () => {
    const violations = checkImportDirections([file('core/request/pipeline.ts', '../../plugins/docs/index.js')], self);
    expect(() => expect(violations, `imports that break a direction:\n${formatViolations(violations)}\n`).toEqual([])).toThrow(
      /core\/request\/pipeline\.ts:1 imports "\.\.\/\.\.\/plugins\/docs\/index\.js": core must not import plugins\//,
    );
  });
});
