import { describe, expect, it } from 'vitest';
import { addedResponseKey, composeDocument, type Contribution } from '../../../core/contract/compose.js';
import type { OpenApiDocument } from '../../../core/contract/load.js';
import { createKernel, definePlugin, type BurrowError, type ContractFragment } from '../../../core/index.js';
import { FIXTURE, fixtureHandlers } from '../../helpers.js';

const PROBLEM_SCHEMAS = { BurrowProblem: { type: 'object', required: ['type', 'title', 'status', 'code'] } };

/** A small contract: one path with a GET that declares its own 4XX, and a shared schema. */
function baseDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'base', version: '1' },
    tags: [{ name: 'notes' }],
    paths: {
      '/notes': {
        get: {
          operationId: 'listNotes',
          responses: { '200': { description: 'ok' }, '4XX': { description: 'the app describes its own client errors' } },
        },
      },
    },
    components: { schemas: { Note: { type: 'object', properties: { text: { type: 'string' } } } } },
  };
}

const statsFragment: ContractFragment = {
  paths: { '/stats': { get: { operationId: 'getStats', responses: { '200': { description: 'stats' } } } } },
  components: { schemas: { Stats: { type: 'object' } } },
  tags: [{ name: 'stats', description: 'Statistics' }],
};

describe('composeDocument', () => {
  it('adds the paths, components and tags a plugin contributes', () => {
    const { document, problems } = composeDocument(baseDocument(), [{ owner: 'stats', fragment: statsFragment }], PROBLEM_SCHEMAS);
    expect(problems).toEqual([]);
    expect(document.paths!['/stats'].get.operationId).toBe('getStats');
    expect(document.components.schemas.Stats).toEqual({ type: 'object' });
    expect(document.components.schemas.Note).toBeDefined();
    expect(document.tags).toEqual([{ name: 'notes' }, { name: 'stats', description: 'Statistics' }]);
  });

  it('adds a method to a path the contract has, beside its own methods', () => {
    const post: Contribution = { owner: 'writer', fragment: { paths: { '/notes': { post: { operationId: 'createNote', responses: { '201': { description: 'created' } } } } } } };
    const { document, problems } = composeDocument(baseDocument(), [post], PROBLEM_SCHEMAS);
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths!['/notes'])).toEqual(['get', 'post']);
  });

  it('copies contributions, so a plugin that changes its fragment later changes nothing served', () => {
    const fragment = structuredClone(statsFragment);
    const { document } = composeDocument(baseDocument(), [{ owner: 'stats', fragment }], PROBLEM_SCHEMAS);
    fragment.components!.schemas!.Stats = { type: 'string' };
    expect(document.components.schemas.Stats).toEqual({ type: 'object' });
  });

  it('reports a path and method, or a component, that two sources declare, and keeps the first', () => {
    const clash: Contribution = {
      owner: 'intruder',
      fragment: {
        paths: { '/notes': { get: { operationId: 'hijack', responses: { '200': { description: 'mine' } } } } },
        components: { schemas: { Note: { type: 'string' } } },
      },
    };
    const { document, problems } = composeDocument(baseDocument(), [clash], PROBLEM_SCHEMAS);
    expect(problems).toEqual([
      '#/paths/~1notes/get: contributed by intruder, but the contract already has it',
      '#/components/schemas/Note: contributed by intruder, but the contract already has it',
    ]);
    expect(document.paths!['/notes'].get.operationId).toBe('listNotes');
    expect(document.components.schemas.Note.type).toBe('object');
  });

  it('reports a collision between two contributions, naming the second', () => {
    const { problems } = composeDocument(
      baseDocument(),
      [
        { owner: 'stats', fragment: statsFragment },
        { owner: 'stats-again', fragment: statsFragment },
      ],
      PROBLEM_SCHEMAS,
    );
    expect(problems).toEqual([
      '#/paths/~1stats/get: contributed by stats-again, but the contract already has it',
      '#/components/schemas/Stats: contributed by stats-again, but the contract already has it',
    ]);
  });

  it('adds the Problem schema and a 4XX/5XX problem response only where an operation declares none', () => {
    const { document, added } = composeDocument(baseDocument(), [{ owner: 'stats', fragment: statsFragment }], PROBLEM_SCHEMAS);
    const problem = { $ref: '#/components/responses/BurrowProblem' };
    expect(document.components.schemas.BurrowProblem).toEqual(PROBLEM_SCHEMAS.BurrowProblem);
    expect(document.components.responses.BurrowProblem.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/BurrowProblem' });
    expect(document.paths!['/notes'].get.responses['4XX']).toEqual({ description: 'the app describes its own client errors' });
    expect(document.paths!['/notes'].get.responses['5XX']).toEqual(problem);
    expect(document.paths!['/stats'].get.responses['4XX']).toEqual(problem);
    expect(document.paths!['/stats'].get.responses['5XX']).toEqual(problem);
    expect([...added].sort()).toEqual(
      [addedResponseKey('/notes', 'get', '5XX'), addedResponseKey('/stats', 'get', '4XX'), addedResponseKey('/stats', 'get', '5XX')].sort(),
    );
    expect(added.has(addedResponseKey('/notes', 'get', '4XX'))).toBe(false);
  });

  it('keeps a Problem schema or response the contract declares itself', () => {
    const base = baseDocument();
    base.components!.schemas.BurrowProblem = { type: 'object', description: 'the app’s own' };
    base.components!.responses = { BurrowProblem: { description: 'the app’s own response' } };
    const { document } = composeDocument(base, [], PROBLEM_SCHEMAS);
    expect(document.components.schemas.BurrowProblem.description).toBe('the app’s own');
    expect(document.components.responses.BurrowProblem).toEqual({ description: 'the app’s own response' });
  });

  it('gives an operation without responses the problem responses, and skips path-level keys that are not methods', () => {
    const base = baseDocument();
    base.paths!['/bare'] = { parameters: [], summary: 'no methods but a bare one', head: { operationId: 'headBare' } };
    const { document, added } = composeDocument(base, [], PROBLEM_SCHEMAS);
    expect(Object.keys(document.paths!['/bare'].head.responses)).toEqual(['4XX', '5XX']);
    expect(document.paths!['/bare'].parameters).toEqual([]);
    expect(added.has(addedResponseKey('/bare', 'head', '4XX'))).toBe(true);
  });

  it('names an added response by method, path and status', () => {
    expect(addedResponseKey('/notes/{id}', 'get', '4XX')).toBe('get /notes/{id} 4XX');
  });
});

describe('contributions at boot', () => {
  it('refuses to boot when a plugin contributes what the contract declares, with BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT naming the plugin', async () => {
    const intruder = definePlugin({
      name: 'intruder',
      setup: (kernel) => kernel.contract.add('items', { paths: { '/items': { get: { operationId: 'hijack', responses: { '200': { description: 'x' } } } } } }),
    });
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, plugins: [intruder], logger: { level: 'silent' } }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRIBUTION_CONFLICT');
    expect(error.detail).toContain('#/paths/~1items/get: contributed by plugin intruder, but the contract already has it');
  });
});
