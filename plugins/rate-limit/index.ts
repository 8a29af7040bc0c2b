import { coreError, definePlugin, type ExtensionBinder } from 'burrowjs';
import { parseRateLimitOptions, type RateLimitOptions, type ResolvedRateLimitOptions } from './options.js';
import { rateLimitErrors } from './internal/errors.js';
import { normalizeValue, RATE_LIMIT_SCHEMA, type Policy, type RateLimitValue } from './internal/policy.js';
import { createConsumer, createLimiter, type Counter, type Plan } from './internal/limiter.js';
import { openRedis, type RedisConnection } from './internal/redis.js';
import { addComponents, decorateOperation } from './internal/document.js';

export type { RateLimitOptions, ResolvedRateLimitOptions } from './options.js';
export type { RateLimitPolicy, RateLimitValue, PolicyKey } from './internal/policy.js';
export type { RedisSource } from './internal/redis.js';
export { RATE_LIMIT_SCHEMA } from './internal/policy.js';
export { rateLimitErrors } from './internal/errors.js';
export { PROBES_UNLIMITED } from './options.js';

declare module 'burrowjs' {
  interface BurrowEvents {
    /** A request was refused 429 by a rate-limit policy (`key` is the policy's kind of key, never the caller's address or id). */
    'rateLimit.rejected': { operationId?: string; key: 'ip' | 'principal' | 'group' | 'apiKey'; policy: string };
  }
}

const EXTENSION = 'x-burrow-rate-limit';
const ROOT_POINTER = `/${EXTENSION}`;

/**
 * Rate limits declared in the contract: `x-burrow-rate-limit` on an operation, or at
 * the root of the document (the default of every operation; `false` on an operation
 * turns it off). Each policy counts requests per client address, principal, group or
 * API key with rate-limiter-flexible (memory, or Redis shared by every instance), with
 * an optional burst and exempt groups; answers 429 problem+json
 * `BURROW_ERR_RATELIMIT_EXCEEDED` with `Retry-After`, sends the IETF `RateLimit` and
 * `RateLimit-Policy` headers, and shows each limit in the served contract.
 *
 * @example
 * // openapi.yaml: x-burrow-rate-limit: { points: 100, duration: 1m }   (root: every operation)
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', trustProxy: 'loopback', plugins: [rateLimit({ redis: process.env.REDIS_URL })] })
 */
export const rateLimit = definePlugin<ResolvedRateLimitOptions, RateLimitOptions>({
  name: 'rate-limit',
  options: parseRateLimitOptions,
  setup(kernel, options) {
    kernel.errors.addFamily(rateLimitErrors);
    const connection: RedisConnection | undefined = options.store === 'redis' ? openRedis(options.redis!) : undefined;
    // Only when an outage refuses requests: with 'allow' the instance serves on, and a failing
    // readiness would take every instance out of the load balancer at once.
    if (connection && options.onStoreError === 'deny') kernel.health.add('rate-limit', () => connection.ping());

    // What the contract declares, gathered by the binder; turned into counters once every use is known.
    const own = new Map<string, Policy[] | false>();
    // One limiter per policy name, made once every use is bound (the binder's done).
    const counters = new Map<string, Counter['limiter']>();
    let root: Policy[] | false | undefined;
    const declared: { policy: Policy; at: string }[] = options.default?.map((policy) => ({ policy, at: 'the default option' })) ?? [];
    for (const [operationId, policies] of options.operations) {
      if (policies) for (const policy of policies) declared.push({ policy, at: `the operations option (${operationId})` });
    }
    const binder: ExtensionBinder<RateLimitValue> = {
      schema: RATE_LIMIT_SCHEMA,
      bind({ value, operation, pointer }) {
        if (!operation && pointer !== ROOT_POINTER) return { problems: [`#${pointer}: ${EXTENSION} belongs on an operation or at the root of the document`] };
        const { policies, problems } = normalizeValue(value, operation ? operation.id : 'api', `#${pointer}`);
        if (problems.length) return { problems: problems.map((p) => `${p} (${EXTENSION})`) };
        if (operation) own.set(operation.id, policies);
        else root = policies;
        if (policies) for (const policy of policies) declared.push({ policy, at: `#${pointer}` });
      },
      done() {
        const problems: string[] = [];
        const first = new Map<string, { policy: Policy; at: string }>();
        for (const entry of declared) {
          const seen = first.get(entry.policy.name);
          if (!seen) first.set(entry.policy.name, entry);
          else if (seen.policy.signature !== entry.policy.signature) {
            problems.push(`${entry.at}: the rate-limit policy "${entry.policy.name}" is also declared at ${seen.at} with other values (policies of one name share their counters: give this one another name)`);
          }
        }
        for (const [name, { policy }] of first) counters.set(name, createLimiter(policy, options.keyPrefix, connection));
        return problems;
      },
    };
    kernel.extensions.add(EXTENSION, binder);

    const plans = new Map<string, Plan>();
    const apiKeySchemes = new Set<string>();
    const consumeAll = createConsumer({ connection, headers: options.headers, onStoreError: options.onStoreError, events: kernel.events, apiKeySchemes });
    kernel.hooks.add('onReady', () => {
      const document = kernel.document;
      for (const [name, scheme] of Object.entries((document.components?.securitySchemes ?? {}) as Record<string, { type?: string }>)) {
        if (scheme?.type === 'apiKey') apiKeySchemes.add(name);
      }
      const unknown = [...options.namedOperations].filter((id) => !kernel.operations.has(id));
      if (unknown.length) {
        const problems = `rate-limit: the operations option names ${unknown.map((id) => `"${id}"`).join(', ')}, which no operation of the composed contract has`;
        throw coreError('BURROW_ERR_BOOT_PLUGIN_OPTIONS', { problems });
      }
      let decorated = false;
      const exemptions = new Map<string, ReadonlySet<string> | undefined>();
      for (const op of kernel.operations.values()) {
        const policies = own.has(op.id) ? own.get(op.id)! : options.operations.has(op.id) ? options.operations.get(op.id)! : (root ?? options.default);
        if (!policies || !policies.length) continue;
        const plan: Plan = { early: [], late: [] };
        for (const policy of policies) {
          // Policies of one name agree (checked in done()): one set of exempt groups per name, shared by its operations.
          if (!exemptions.has(policy.name)) {
            const exempt = new Set([...policy.exempt, ...options.exempt]);
            exemptions.set(policy.name, exempt.size ? exempt : undefined);
          }
          const counter: Counter = { policy, limiter: counters.get(policy.name)!, exempt: exemptions.get(policy.name) };
          (policy.key === 'ip' && !counter.exempt ? plan.early : plan.late).push(counter);
        }
        plans.set(op.id, plan);
        if (!decorated) addComponents(document, options.headers);
        decorated = true;
        decorateOperation(document, op.path, op.method, policies, options.headers);
      }
    });
    // Hooks that find no plan for the operation cost a map lookup and return nothing (no promise).
    kernel.hooks.add('postRouting', (ctx) => {
      const plan = plans.get(ctx.operation!.id);
      if (plan !== undefined && plan.early.length) return consumeAll(ctx, plan.early);
    });
    kernel.hooks.add('postSecurity', (ctx) => {
      const plan = plans.get(ctx.operation!.id);
      if (plan !== undefined && plan.late.length) return consumeAll(ctx, plan.late);
    });
    return async () => {
      await connection?.close();
    };
  },
});

export default rateLimit;
