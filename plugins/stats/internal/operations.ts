/**
 * `GET <path>` (the statistics as JSON, with mORMot's `with…` options) and
 * `POST <path>/reset`, contributed to the contract with their schemas.
 */
import { guardedOperation, readGauge, type ContractFragment, type GaugeSource, type Logger, type RawHandler } from 'burrowjs';
import type { ResolvedStatsOptions } from '../options.js';
import { statErrors } from './errors.js';
import type { Recorder } from './recorder.js';

/** The operationIds of the contributed operations. */
export const OPERATION_IDS = { stat: 'stat', reset: 'statReset' } as const;

const FLAGS = ['withSessions', 'withServices', 'withResources', 'withUsers', 'withGauges', 'withAll'] as const;

/** The gauge the auth plugin registers: `sessions.open` reads it when present. */
const SESSIONS_GAUGE = 'auth_sessions_open';

/** What the statistics read of the kernel besides the recorder. */
export interface StatSources {
  /** The kernel's gauges (`kernel.gauges.entries()`), read when asked for. */
  gauges: () => [string, GaugeSource][];
  /** Where a gauge that could not be read is logged. */
  logger: Pick<Logger, 'warn'>;
}

const json = (schema: unknown) => ({ 'application/json': { schema } });
const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/BurrowProblem' } } };
const ENTRY = { $ref: '#/components/schemas/StatEntry' };
const ENTRIES = { type: 'object', additionalProperties: ENTRY };

/** The contract fragment and handlers of the statistics. */
export function statOperations(options: ResolvedStatsOptions, recorder: Recorder, bootedAt: number, sources: StatSources): { fragment: ContractFragment; handlers: Record<string, RawHandler> } {
  const { path, tag } = options;
  const { fields: protection, guard, who } = guardedOperation(options, {
    plugin: 'stats',
    code: 'BURROW_ERR_STAT_FORBIDDEN',
    refuse: (address) => statErrors.create('BURROW_ERR_STAT_FORBIDDEN', { address }),
  });
  const refusals = {
    '403': { description: 'The caller\'s address is not allowed (`BURROW_ERR_STAT_FORBIDDEN`), or its groups may not call the operation.', content: PROBLEM },
  };

  const paths: Record<string, unknown> = {
    [path]: {
      get: {
        operationId: OPERATION_IDS.stat,
        tags: [tag],
        summary: 'Statistics',
        description: `Calls, errors by status class, latency (min, avg, max, percentiles) and bytes per operationId since boot or the last reset, like mORMot's \`Stat\`. ${who}`,
        ...protection,
        parameters: FLAGS.map((name) => ({
          name,
          in: 'query',
          required: false,
          description: {
            withSessions: 'Add `sessions`: the auth plugin\'s live sessions, and those opened and ended since boot.',
            withServices: 'Add `services`: per service method (every call: REST, JSON-RPC, in-process), and the live instances per service.',
            withResources: 'Add `resources`: per resource action (`Model.action`).',
            withUsers: 'Add `users` and `groups` (when the plugin keeps them: `perUser`, `perGroup`).',
            withGauges: 'Add `gauges`: the value of every gauge plugins and the app register (`kernel.gauges`), read now.',
            withAll: 'Everything above.',
          }[name],
          schema: { type: 'boolean', default: false },
        })),
        responses: { '200': { description: 'The statistics.', content: json({ $ref: '#/components/schemas/StatReport' }) }, ...refusals },
      },
    },
  };
  if (options.reset) {
    paths[`${path}/reset`] = {
      post: {
        operationId: OPERATION_IDS.reset,
        tags: [tag],
        summary: 'Reset the statistics',
        description: `Sets every counter back to zero (the live sessions and service instances stay). ${who}`,
        ...protection,
        responses: { '204': { description: 'The counters were reset.' }, ...refusals },
      },
    };
  }

  const handlers: Record<string, RawHandler> = {
    [OPERATION_IDS.stat]: async (ctx) => {
      guard(ctx);
      const query = ctx.query as Partial<Record<(typeof FLAGS)[number], boolean>>;
      const all = query.withAll === true;
      const memory = process.memoryUsage();
      const now = Date.now();
      const body: Record<string, unknown> = {
        startedAt: new Date(bootedAt).toISOString(),
        since: new Date(recorder.since).toISOString(),
        uptimeSeconds: Math.round((now - bootedAt) / 1000),
        memory: { rss: memory.rss, heapTotal: memory.heapTotal, heapUsed: memory.heapUsed, external: memory.external },
        totals: recorder.total.view(options.percentiles),
        operations: recorder.operations(),
      };
      const gauges = all || query.withGauges || query.withSessions ? await readGauges(sources, all || query.withGauges ? undefined : SESSIONS_GAUGE) : {};
      if (all || query.withSessions) {
        const { opened, ended } = recorder.sessions;
        // Live sessions from the store (idled-out ones left out) when it can count them, else opened − ended.
        body.sessions = { open: gauges[SESSIONS_GAUGE] ?? Math.max(0, opened - ended), opened, ended };
      }
      if (all || query.withGauges) body.gauges = gauges;
      if (all || query.withServices) body.services = { methods: recorder.services(), instances: Object.fromEntries(recorder.instances) };
      if (all || query.withResources) body.resources = recorder.resources();
      if (all || query.withUsers) {
        if (options.perUser) body.users = recorder.users();
        if (options.perGroup) body.groups = recorder.groups();
      }
      return { status: 200, body };
    },
    [OPERATION_IDS.reset]: (ctx) => {
      guard(ctx);
      recorder.reset();
      return { status: 204 };
    },
  };
  if (!options.reset) delete handlers[OPERATION_IDS.reset];

  const count = { type: 'integer', minimum: 0 };
  const schemas = {
    StatEntry: {
      type: 'object',
      description: 'The counters of an operation, a service method, a resource action, a user, a group or of every request (for a service method: of its calls, see `StatReport.services.methods`).',
      required: ['calls', 'errors', 'statusClasses', 'latencyMs', 'bytesIn', 'bytesOut'],
      properties: {
        calls: count,
        errors: { ...count, description: 'Responses with a 4xx or 5xx status.' },
        statusClasses: { type: 'object', description: 'Responses by status class (`2xx`, `4xx`…).', additionalProperties: count },
        latencyMs: {
          type: 'object',
          description: `Milliseconds from arrival to the end of the response: \`min\`, \`avg\`, \`max\` and the percentiles (\`p50\`…, within 4.4 %). Empty before any call.`,
          additionalProperties: { type: 'number', minimum: 0 },
        },
        bytesIn: { ...count, description: 'Request body bytes (Content-Length).' },
        bytesOut: { ...count, description: 'Response body bytes as sent (Content-Length, or the compressed size; 0 for a stream sent without either).' },
        firstCall: { type: 'string', format: 'date-time' },
        lastCall: { type: 'string', format: 'date-time' },
      },
    },
    StatReport: {
      type: 'object',
      description: 'What `GET /stat` answers; `sessions`, `services`, `resources`, `users`, `groups` and `gauges` only when asked for.',
      required: ['startedAt', 'since', 'uptimeSeconds', 'memory', 'totals', 'operations'],
      properties: {
        startedAt: { type: 'string', format: 'date-time', description: 'When the kernel booted.' },
        since: { type: 'string', format: 'date-time', description: 'When the counters started: boot, or the last reset.' },
        uptimeSeconds: count,
        memory: {
          type: 'object',
          description: 'The process memory, in bytes (`process.memoryUsage()`).',
          required: ['rss', 'heapTotal', 'heapUsed', 'external'],
          properties: { rss: count, heapTotal: count, heapUsed: count, external: count },
        },
        totals: ENTRY,
        operations: { ...ENTRIES, description: 'By operationId; `(unmatched)` for requests no operation matched.' },
        sessions: {
          type: 'object',
          description: 'Sessions of the auth plugin: `open` live now (from its session store, idled-out ones left out: with Redis, of every instance), `opened` by logins and `ended` by logouts and admins since boot (on this instance).',
          required: ['open', 'opened', 'ended'],
          properties: { open: count, opened: count, ended: count },
        },
        services: {
          type: 'object',
          required: ['methods', 'instances'],
          properties: {
            methods: {
              ...ENTRIES,
              description:
                'By `Service.method`: every call that reached the method, over REST, JSON-RPC (each call of a batch) or in-process, counted once. `errors` are the calls that failed (their status class: their error code\'s status, 5xx without one); `latencyMs` is the call\'s run time; no bytes are counted (0).',
            },
            instances: {
              type: 'object',
              description: 'Instances by service: live now, created and disposed since boot.',
              additionalProperties: { type: 'object', required: ['live', 'created', 'disposed'], properties: { live: count, created: count, disposed: count } },
            },
          },
        },
        gauges: { type: 'object', description: 'By gauge name (`kernel.gauges`): its value now; a gauge that could not be read is left out (and logged).', additionalProperties: { type: 'number' } },
        resources: { ...ENTRIES, description: 'By `Model.action`.' },
        users: { ...ENTRIES, description: 'By user id; `(others)` past `maxUsers`.' },
        groups: { ...ENTRIES, description: 'By group; `(others)` past `maxUsers`.' },
      },
    },
  };
  return {
    fragment: { paths: paths as ContractFragment['paths'], components: { schemas }, tags: [{ name: tag, description: 'Statistics and metrics of the running service.' }] },
    handlers,
  };
}

/** Reads the gauges (or the one named), at once; one that fails or answers no number is left out (and logged). */
async function readGauges(sources: StatSources, only: string | undefined): Promise<Record<string, number>> {
  const entries = sources.gauges().filter(([name]) => only === undefined || name === only);
  const values = await Promise.all(entries.map(([name, source]) => readGauge(name, source, sources.logger)));
  const read: Record<string, number> = {};
  entries.forEach(([name], i) => {
    if (values[i] !== undefined) read[name] = values[i]!;
  });
  return read;
}
