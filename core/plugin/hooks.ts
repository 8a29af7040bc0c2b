import type { RequestContext } from '../request/context.js';
import { coreError, type BurrowError } from '../errors/burrow-error.js';

/**
 * The request phases, in pipeline order. This list is the one place they are named;
 * `core/README.md` draws them and `test/core/hooks.test.ts` pins the order.
 *
 * - `onRequest`: before routing (request id is set; CORS preflight, rate limit by IP)
 * - `postRouting`: the operation is known (`ctx.operation`)
 * - `postSecurity`: the principal is known (group rights, rate limit by principal)
 * - `preHandler`: the request is validated (`ctx.params`, `ctx.query`, `ctx.body`)
 * - `onResponse`: the response was sent (stats, metrics); errors here are logged only
 * - `onError`: an error is about to become a problem response; a hook may observe it
 */
export const REQUEST_PHASES = ['onRequest', 'postRouting', 'postSecurity', 'preHandler', 'onResponse', 'onError'] as const;

/** The application phases: after boot, and on close (in reverse registration order). */
export const APP_PHASES = ['onReady', 'onClose'] as const;

export type RequestPhase = (typeof REQUEST_PHASES)[number];
export type AppPhase = (typeof APP_PHASES)[number];
export type Phase = RequestPhase | AppPhase;

/** A request hook. It may return a promise; throwing a BurrowError answers with its problem. */
export type RequestHook = (ctx: RequestContext) => void | Promise<void>;
/** An error hook: sees the error that is about to be answered. */
export type ErrorHook = (ctx: RequestContext, error: BurrowError) => void | Promise<void>;
/** An application hook. */
export type AppHook = () => void | Promise<void>;

type HookOf<P extends Phase> = P extends 'onError' ? ErrorHook : P extends AppPhase ? AppHook : RequestHook;

/** The hook registry of one kernel. */
export interface Hooks {
  /** Adds a hook to a phase. Unknown phase names are refused. */
  add<P extends Phase>(phase: P, hook: HookOf<P>): void;
  /** The hooks of a phase, in registration order (empty array when none: no cost). */
  list<P extends Phase>(phase: P): readonly HookOf<P>[];
}

/** Creates the hook registry. */
export function createHooks(): Hooks {
  const table = new Map<Phase, unknown[]>();
  for (const phase of [...REQUEST_PHASES, ...APP_PHASES]) table.set(phase, []);
  return {
    add(phase, hook) {
      const list = table.get(phase);
      if (!list) {
        throw coreError('BURROW_ERR_BOOT_HOOK_PHASE_UNKNOWN', { phase: String(phase), phases: [...table.keys()].join(', ') });
      }
      list.push(hook);
    },
    list: (phase) => table.get(phase) as never,
  };
}
