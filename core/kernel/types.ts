import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import type { InjectOptions, Response as InjectResponse } from 'light-my-request';
import type { Logger } from 'winston';
import type { Hooks } from '../plugin/hooks.js';
import type { Registry } from '../plugin/registry.js';
import type { RawHandler, CompiledOperation } from '../request/operation.js';
import type { Verifier } from '../request/security.js';
import type { Guard } from '../request/access.js';
import type { RequestContext } from '../request/context.js';
import type { ExtensionBinder } from '../plugin/extensions.js';
import type { ContractFragment } from '../contract/compose.js';
import type { OpenApiDocument } from '../contract/load.js';
import type { ErrorRegistry } from '../errors/catalog.js';
import type { EventBus } from '../plugin/events.js';

/** What {@link Kernel.route} finds for a method and path. */
export type RouteLookup =
  | { kind: 'found'; operation: CompiledOperation; params: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

/** A health check: resolves when healthy, throws (or rejects) with the reason when not. */
export type HealthCheck = () => void | Promise<void>;

/**
 * A value a plugin or the app reports as it is now (open sessions, a queue's depth), read
 * only when someone asks: the metrics plugin at each scrape (as `burrow_<name>`), the stats
 * plugin in `/stat?withGauges`. Registered in `kernel.gauges` under a name of lower-case
 * letters, digits and `_` (`auth_sessions_open`).
 */
export interface GaugeSource {
  /** What it measures, in one line (the Prometheus HELP text). */
  help: string;
  /** The current value; may be asynchronous (a count in Redis). A failure is logged and the gauge left out of that reading. */
  read(): number | Promise<number>;
}

/** A step of shutdown (close a pool, flush a buffer). Steps run in reverse registration order. */
export type ShutdownStep = () => void | Promise<void>;

/**
 * Timeouts of a server Burrow starts (`kernel.listen()`, `listen()` of `burrowjs/express`),
 * in milliseconds; `0` turns one off. Defaults: `DEFAULT_SERVER_TIMEOUTS`.
 */
export interface ServerTimeouts {
  /**
   * Time allowed to receive the request line and headers (node's `headersTimeout`);
   * a slower client gets 408 problem+json `BURROW_ERR_REQUEST_HEADERS_TIMEOUT` and the
   * connection is closed. Default 30 000 (30 s). At most `request` when both are on.
   */
  headers?: number;
  /**
   * Time allowed to receive the whole request, body included (node's `requestTimeout`);
   * not the handler's time (see `x-burrow-timeout`). 408 problem+json
   * `BURROW_ERR_REQUEST_HEADERS_TIMEOUT`. Default 120 000 (2 min).
   */
  request?: number;
  /**
   * How long an idle keep-alive connection stays open (node's `keepAliveTimeout`,
   * announced as `Keep-Alive: timeout=`). Default 65 000 (65 s): longer than a load
   * balancer's idle timeout (AWS ALB: 60 s), so that the balancer, never Burrow, closes
   * an idle connection it may be about to reuse. Behind Google Cloud's load balancer
   * (600 s) use 620 000.
   */
  keepAlive?: number;
}

/** Options of `kernel.attach()`: how `close()` treats that server. */
export interface AttachOptions {
  /**
   * When `close()` begins, how long (ms) idle keep-alive connections stay open before
   * they are closed. A client that sends a request on one meanwhile gets an answer
   * (503 `BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN` with `Connection: close`, or its route's
   * answer with `Connection: close`) instead of a reset, and its connection closes
   * after that answer. Bounded by the kernel's `closeTimeout`. Default 1 000 (1 s);
   * `0` closes idle connections at once (a client writing at that moment loses its request).
   */
  closeGrace?: number;
}

/** Options of `kernel.listen()` (and of `listen()` from `burrowjs/express`). */
export interface ListenOptions extends AttachOptions {
  /** Default: `PORT` or 3000. `0` picks a free port. */
  port?: number;
  /** Default: `HOST` or `127.0.0.1`. */
  host?: string;
  /**
   * What serves the requests: default `kernel.handle` straight from node:http. An
   * adapter passes its own (`burrowjs/express`'s `listen()` passes an Express app).
   */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Header, request and keep-alive timeouts of the server (ms); see {@link ServerTimeouts}. */
  timeouts?: ServerTimeouts;
  /**
   * Signals on which the process closes the kernel gracefully and exits: `true` for
   * `SIGTERM` and `SIGINT`, or a list. Default: none (the app decides). Same as calling
   * `kernel.closeOnSignals(signals)`.
   */
  signals?: boolean | readonly NodeJS.Signals[];
}

/** A running server started by `kernel.listen()`. */
export interface Listening {
  server: Server;
  url: string;
}

/**
 * The kernel as plugins and applications see it. During `setup`, plugins register
 * through the extension points; after boot, `document`, `operations`, `router`,
 * `handle`, `inject`, `listen` and `close` serve.
 */
export interface Kernel {
  readonly logger: Logger;
  /** Lifecycle hooks by phase (see `REQUEST_PHASES` and `APP_PHASES`). */
  readonly hooks: Hooks;
  /** Operation handlers by operationId. */
  readonly handlers: Registry<RawHandler>;
  /** Security verifiers by `components.securitySchemes` name. */
  readonly security: Registry<Verifier>;
  /** Binders of `x-burrow-*` extensions by extension name. */
  readonly extensions: Registry<ExtensionBinder>;
  /** Contract contributions by a name of the contributor's choosing. */
  readonly contract: Registry<ContractFragment>;
  /** Health checks by name. */
  readonly health: Registry<HealthCheck>;
  /** Gauges by name (`[a-z][a-z0-9_]*`): values read on demand by the stats and metrics plugins. */
  readonly gauges: Registry<GaugeSource>;
  /** Shutdown steps by name. */
  readonly shutdown: Registry<ShutdownStep>;
  /**
   * Access guards by name: asked by data binders and dispatchers for the record
   * conditions of a query and for operations run outside the pipeline (batch items).
   */
  readonly guards: Registry<Guard>;
  /**
   * Error codes by code: Burrow's own, and those plugins and the app register
   * (`kernel.errors.addFamily(defineErrors({...}))`). The error catalogue lists them.
   */
  readonly errors: ErrorRegistry;
  /** The event bus: resource changes, sessions, service instances… (see `BurrowEvents`). */
  readonly events: EventBus;
  /**
   * The app's contract as loaded, for plugins to read during `setup` (its security
   * schemes, its extensions) before they contribute. After boot it is `document`.
   */
  readonly contractSource: OpenApiDocument;
  /** The composed contract (app contract, contributions, Problem). Available after boot. */
  readonly document: OpenApiDocument;
  /** The `openapi` dialect of the contract. */
  readonly version: '3.0' | '3.1';
  /** Compiled operations by operationId. Available after boot. */
  readonly operations: ReadonlyMap<string, CompiledOperation>;
  /**
   * True once `close()` began (a signal, or the app): readiness answers 503 and new
   * requests get 503 `BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN` with `Connection: close`.
   */
  readonly closing: boolean;
  /**
   * Routes a method and path as the pipeline does, without serving: the operation and
   * its path parameters (strings), the methods the path declares (`method`), or
   * nothing (`none`). For plugins that answer before routing (a CORS preflight).
   * Available after boot.
   */
  route(method: string, path: string): RouteLookup;
  /** Counters of the kernel itself. */
  readonly stats: { readonly responseViolations: number };
  /**
   * Serves one request from node:http (or anything with its req/res). Never rejects:
   * every failure is answered. `notFound`, when given, is called instead of answering
   * a 404 for a path no operation matches (adapters pass the framework's `next`).
   * To mount the kernel in Express, use `expressMiddleware(kernel)` from `burrowjs/express`.
   */
  handle(req: IncomingMessage, res: ServerResponse, notFound?: () => void): Promise<void>;
  /**
   * Checks that the caller of `ctx` may run an operation it is not routed to — a call
   * inside a JSON-RPC batch, a batch item: the operation's security requirements
   * (setting `ctx.principal` as routing would) and every access guard. Throws the
   * 401/403 problem the operation's own route would answer. Available after boot.
   */
  authorize(ctx: RequestContext, operationId: string): Promise<void>;
  /** Serves a request in-process, without a socket. */
  inject(options: InjectOptions | string): Promise<InjectResponse>;
  /**
   * Starts an HTTP server (node:http) serving the kernel, and attaches it: its header,
   * request and keep-alive `timeouts` set (defaults 30 s, 2 min, 65 s), Node's parser
   * errors answered as problem+json, `signals` handled when asked. Refuses bad options
   * with `BURROW_ERR_BOOT_KERNEL_OPTION`.
   */
  listen(options?: ListenOptions): Promise<Listening>;
  /**
   * Attaches a server the app started itself (`app.listen()`): `close()` then stops
   * it from accepting connections, lets in-flight requests finish and closes it (idle
   * keep-alive connections after `closeGrace`). Node's parser errors on it are answered
   * as problem+json unless the app listens to `clientError` itself. Its timeouts stay
   * the app's.
   */
  attach(server: Server, options?: AttachOptions): void;
  /**
   * On the first of these signals (default `SIGTERM` and `SIGINT`), logs it, runs
   * `close()` and exits the process: 0 once closed, 1 if closing failed or did not end
   * within `closeTimeout` plus 5 s. A second signal exits at once (1). Calling it again
   * adds no second handler. `kernel.listen({ signals: true })` calls it.
   */
  closeOnSignals(signals?: readonly NodeJS.Signals[]): void;
  /** Runs every health check; `ok` is false when one failed. */
  checkHealth(): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; error?: string }> }>;
  /** Compiles every validator not compiled yet (the background warm-up does it in slices). */
  compileAll(): void;
  /**
   * Graceful shutdown (the same promise however often called): `closing` turns true
   * (readiness and new requests answer 503 with `Connection: close`), the servers stop
   * accepting connections, in-flight requests finish within `closeTimeout`, idle
   * keep-alive connections close after `closeGrace`, then the onClose hooks, shutdown
   * steps and plugin closers run, newest first (Prisma, Redis…).
   */
  close(): Promise<void>;
}
