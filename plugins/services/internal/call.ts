/**
 * The second argument of every method call (`ServiceCall`): built per call, its
 * parts made only when the method reads them (a logger child, a combined signal).
 */
import type { RequestContext } from 'burrowjs';
import type { ServiceCall, ServiceLocator, ServicePrincipal } from './define-service.js';

/** One call's context. */
export class Call implements ServiceCall {
  readonly ctx: RequestContext;
  readonly instanceId: string | undefined;
  readonly context: unknown;
  readonly #locator: (ctx: RequestContext) => ServiceLocator;
  readonly #timeout: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #services: ServiceLocator | undefined;

  constructor(ctx: RequestContext, instanceId: string | undefined, context: unknown, locator: (ctx: RequestContext) => ServiceLocator, timeout: AbortController | undefined) {
    this.ctx = ctx;
    this.instanceId = instanceId;
    this.context = context;
    this.#locator = locator;
    this.#timeout = timeout;
  }

  get principal(): ServicePrincipal | undefined {
    return principalOf(this.ctx);
  }

  get sessionId(): string | undefined {
    return principalOf(this.ctx)?.sessionId;
  }

  get log(): RequestContext['log'] {
    return this.ctx.log;
  }

  get signal(): AbortSignal {
    return (this.#signal ??= this.#timeout ? AbortSignal.any([this.ctx.signal, this.#timeout.signal]) : this.ctx.signal);
  }

  get services(): ServiceLocator {
    return (this.#services ??= this.#locator(this.ctx));
  }
}

/** The caller of a request as the services plugin reads it (any verifier's principal with an `id`). */
export function principalOf(ctx: RequestContext): ServicePrincipal | undefined {
  const principal = ctx.principal as ServicePrincipal | undefined;
  return principal && typeof principal === 'object' ? principal : undefined;
}
