/**
 * The probes: liveness (the process serves requests) and readiness (every health check
 * the plugins and the app registered passes, and the kernel is not closing).
 */
import type { ContractFragment, HealthCheck, RawHandler } from 'burrowjs';
import type { ResolvedHealthOptions } from '../options.js';
import { runChecks, type CheckResult } from './checks.js';
import { healthErrors } from './errors.js';

/** The operationIds of the probes. */
export const OPERATION_IDS = { live: 'healthLive', ready: 'healthReady' } as const;

/** Seconds a client should wait before probing readiness again. */
export const RETRY_AFTER = '5';

/** What the probes read from the kernel. */
export interface ProbesInput {
  options: ResolvedHealthOptions;
  /** The registered checks, read at each probe (plugins may add checks after this one's setup). */
  checks: () => [string, HealthCheck][];
  /** Whether the kernel is closing. */
  closing: () => boolean;
}

const json = (schema: unknown) => ({ 'application/json': { schema } });
const STATUS = { $ref: '#/components/schemas/HealthStatus' };

/** The contract fragment and the handlers of the probes. */
export function probes(input: ProbesInput): { fragment: ContractFragment; handlers: Record<string, RawHandler> } {
  const { path, tag, timeout } = input.options;
  const paths = {
    [`${path}/live`]: {
      get: {
        operationId: OPERATION_IDS.live,
        tags: [tag],
        summary: 'Liveness',
        description: 'Answers 200 while the process serves requests; checks nothing else (a liveness probe that restarts the process must not fail because the database is down).',
        security: [],
        responses: { '200': { description: 'The process serves requests.', content: json(STATUS) } },
      },
    },
    [`${path}/ready`]: {
      get: {
        operationId: OPERATION_IDS.ready,
        tags: [tag],
        summary: 'Readiness',
        description: `Runs every health check (the database, Redis…), each within ${timeout} ms. 200 when all pass; 503 \`BURROW_ERR_HEALTH_NOT_READY\` naming the failing checks, or while the kernel is closing.`,
        security: [],
        responses: {
          '200': { description: 'Every check passed.', content: json(STATUS) },
          '503': {
            description: 'A check failed or timed out, or the kernel is closing (`BURROW_ERR_HEALTH_NOT_READY`, with `checks`).',
            headers: { 'Retry-After': { description: 'Seconds to wait before probing again.', schema: { type: 'integer' } } },
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/BurrowProblem' } } },
          },
        },
      },
    },
  } as ContractFragment['paths'];

  const handlers: Record<string, RawHandler> = {
    [OPERATION_IDS.live]: () => ({ status: 200, body: { status: 'ok' } }),
    [OPERATION_IDS.ready]: async () => {
      const checks: Record<string, CheckResult> = await runChecks(input.checks(), timeout);
      if (input.closing()) checks.closing = { ok: false, ms: 0, error: 'the kernel is closing' };
      const failing = Object.keys(checks).filter((name) => !checks[name]!.ok);
      if (!failing.length) return { status: 200, body: { status: 'ok', checks } };
      throw healthErrors.create(
        'BURROW_ERR_HEALTH_NOT_READY',
        { failing: failing.map((name) => `${name} (${checks[name]!.error})`).join(', ') },
        { headers: { 'retry-after': RETRY_AFTER }, extensions: { checks } },
      );
    },
  };

  const schemas = {
    HealthStatus: {
      type: 'object',
      description: 'A probe that passed: `status` is always `ok`; readiness adds each check with the milliseconds it took.',
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        checks: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['ok', 'ms'],
            properties: { ok: { type: 'boolean' }, ms: { type: 'integer', minimum: 0 }, error: { type: 'string' } },
          },
        },
      },
    },
  };
  return { fragment: { paths, components: { schemas }, tags: [{ name: tag, description: 'Liveness and readiness probes.' }] }, handlers };
}
