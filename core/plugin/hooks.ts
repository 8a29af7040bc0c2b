import type { RequestContext } from '../request/context.js';
import { coreError, type BurrowError } from '../errors/burrow-error.js';

/**
 * The request phases, in pipeline order. This list is the one place they are named;
 * `core/README.md` draws them and `test/core/plugin/hooks.test.ts` pins the order.
 *
 * - `aroundRequest`: wraps the whole request — every phase below, the handler, the send,
 *   and the problem answer of any failure — which runs inside its `next()`. Several nest
 *   in registration order, the first registered outermost (run the request in a tracing
 *   context, time it). A hook that throws before `next()` gets its problem answered; one that
 *   returns without calling `next()` gets a 500. None registered: the pipeline pays nothing.
 * - `onRequest`: before routing (request id is set; CORS preflight, rate limit by IP)
 * - `postRouting`: the operation is known (`ctx.operation`)
 * - `postSecurity`: the principal is known (group rights, rate limit by principal)
 * - `preHandler`: the request is validated (`ctx.params`, `ctx.query`, `ctx.body`)
 * - `onSend`: synchronous, right before Burrow writes a reply or a problem: status and
 *   headers (`content-type`, `content-length`) are set, the payload is final (compression
 *   attaches its encoder here, only for a payload worth compressing)
 * - `onResponse`: the response was sent (stats, metrics) — a body an `onSend` hook streams
 *   (compressed) once its last byte is written; errors here are logged only
 * - `onError`: an error is about to become a problem response; a hook may observe it
 */
export const REQUEST_PHASES = ['aroundRequest', 'onRequest', 'postRouting', 'postSecurity', 'preHandler', 'onSend', 'onResponse', 'onError'] as const;

/** The application phases: after boot, and on close (in reverse registration order). */
export const APP_PHASES = ['onReady', 'onClose'] as const;

export type RequestPhase = (typeof REQUEST_PHASES)[number];
export type AppPhase = (typeof APP_PHASES)[number];
export type Phase = RequestPhase | AppPhase;

/** A request hook. It may return a promise; throwing a BurrowError answers with its problem. */
export type RequestHook = (ctx: RequestContext) => void | Promise<void>;
/** An error hook: sees the error that is about to be answered. */
export type ErrorHook = (ctx: RequestContext, error: BurrowError) => void | Promise<void>;
/**
 * A hook around the whole request: it calls `next()` once, and resolves once that has
 * (the response is sent by then, or the failure answered). `next()` never rejects.
 *
 * @example
 * kernel.hooks.add('aroundRequest', (ctx, next) => context.with(trace.setSpan(context.active(), span), next))
 */
export type AroundHook = (ctx: RequestContext, next: () => Promise<void>) => Promise<void> | void;
/**
 * A send hook: synchronous (a returned promise is not awaited), called with the bytes Burrow
 * is about to pass to `res.end()` (`undefined` for a response without a body). It may set
 * headers, or wrap the response's `write`/`end` (an encoder); it must not end the response.
 */
export type SendHook = (ctx: RequestContext, payload: string | Buffer | undefined) => void;
/** An application hook. */
export type AppHook = () => void | Promise<void>;

type HookOf<P extends Phase> = P extends 'onError'
  ? ErrorHook
  : P extends 'aroundRequest'
    ? AroundHook
    : P extends 'onSend'
      ? SendHook
      : P extends AppPhase
        ? AppHook
        : RequestHook;

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
