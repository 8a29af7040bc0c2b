import { randomUUID } from 'node:crypto';
import { createServer, maxHeaderSize as defaultMaxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Logger } from 'winston';
import { errorFields } from './logger.js';
import { coreError } from '../errors/burrow-error.js';
import { toProblem } from '../errors/problem.js';
import { MAX_TIMER } from '../request/limits.js';
import type { Registry } from '../plugin/registry.js';
import type { Hooks } from '../plugin/hooks.js';
import type { EventBus } from '../plugin/events.js';
import type { PipelineState } from '../request/pipeline.js';
import type { AttachOptions, HealthCheck, Listening, ListenOptions, ServerTimeouts, ShutdownStep } from './types.js';

/** What `kernel.listen()` sets when `timeouts` leaves a value out (ms). */
export const DEFAULT_SERVER_TIMEOUTS: Readonly<Required<ServerTimeouts>> = Object.freeze({ headers: 30_000, request: 120_000, keepAlive: 65_000 });

/** The default of `closeGrace` (ms): how long idle keep-alive connections stay open once `close()` begins. */
export const DEFAULT_CLOSE_GRACE = 1_000;

/** The signals `kernel.closeOnSignals()` and `listen({ signals: true })` handle. */
export const DEFAULT_CLOSE_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGTERM', 'SIGINT'] as NodeJS.Signals[]);

/** After a signal, how long past `closeTimeout` the process waits for `close()` before exiting 1. */
const SIGNAL_EXIT_MARGIN = 5_000;
/** How often idle connections are swept once the grace period is over. */
const SWEEP_INTERVAL = 25;

/** What the lifecycle of a kernel needs from it. */
export interface LifecycleInput {
  logger: Logger;
  hooks: Hooks;
  health: Registry<HealthCheck>;
  shutdown: Registry<ShutdownStep>;
  events: EventBus;
  /** What plugins' `setup` returned, in setup order. */
  closers: ShutdownStep[];
  inflight: PipelineState['inflight'];
  closeTimeout: number;
  serve: () => (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /**
   * Where problem `type`s point for the parser's errors: on a server Burrow started
   * (the kernel at its root), `typeBase` else the catalogue path; on an attached server
   * (mounted anywhere), `typeBase` only.
   */
  problemType?: { typeBase?: string; catalogPath?: string };
}

/** A server `close()` drains: its open connections and its grace period. */
interface Served {
  server: Server;
  grace: number;
  sockets: Set<Socket>;
}

/** listen, attach, health, signals and graceful close of a kernel. */
export function createLifecycle(input: LifecycleInput) {
  const { logger, hooks, inflight } = input;
  const servers: Served[] = [];
  let closed: Promise<void> | undefined;

  async function listen(options: ListenOptions = {}): Promise<Listening> {
    const timeouts = serverTimeouts(options.timeouts);
    const grace = closeGrace(options.closeGrace);
    const signals = options.signals === true ? DEFAULT_CLOSE_SIGNALS : options.signals || undefined;
    if (signals) checkSignals(signals);
    const serve = input.serve();
    const port = options.port ?? Number(process.env.PORT ?? 3000);
    const host = options.host ?? process.env.HOST ?? '127.0.0.1';
    const server = createServer(
      {
        headersTimeout: timeouts.headers,
        requestTimeout: timeouts.request,
        keepAliveTimeout: timeouts.keepAlive,
        // Node checks header and request deadlines on this period (30 s by default): a quarter of the shortest.
        connectionsCheckingInterval: checkingInterval(timeouts),
      },
      options.handler ?? ((req, res) => void serve(req, res)),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    track(server, grace, input.problemType?.typeBase ?? input.problemType?.catalogPath);
    if (signals) closeOnSignals(signals);
    const address = server.address() as AddressInfo;
    return { server, url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` };
  }

  function attach(server: Server, options: AttachOptions = {}): void {
    track(server, closeGrace(options.closeGrace), input.problemType?.typeBase);
  }

  /** Follows a server's connections for `close()`, and answers its parser errors as problems. */
  function track(server: Server, grace: number, typeBase: string | undefined): void {
    const served: Served = { server, grace, sockets: new Set() };
    server.on('connection', (socket: Socket) => {
      served.sockets.add(socket);
      socket.once('close', () => served.sockets.delete(socket));
    });
    // An app that answers parser errors itself keeps its own answers.
    if (server.listenerCount('clientError') === 0) {
      server.on('clientError', (error: ParserError, socket: Duplex) => answerClientError(error, socket, server, typeBase, logger));
    }
    servers.push(served);
  }

  async function checkHealth() {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    for (const [name, check] of input.health.entries()) {
      try {
        await check();
        checks[name] = { ok: true };
      } catch (error) {
        checks[name] = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  /**
   * Graceful close, one promise however often called:
   * 1. `closing` turns true: readiness and every new request answer 503 with `Connection: close`;
   * 2. each server stops accepting connections (its open ones stay); every answer from now
   *    on, and the in-flight ones not yet sent, carry `Connection: close`;
   * 3. idle keep-alive connections stay open for the server's `closeGrace`, so that a client
   *    writing on one gets an answer rather than a reset, then close (and so does each one
   *    that turns idle later);
   * 4. at `closeTimeout`, what is still open is reset;
   * 5. event subscribers settle, then the onClose hooks, shutdown steps and plugin closers
   *    run, newest first.
   */
  function close(): Promise<void> {
    closed ??= shutdown();
    return closed;
  }

  async function shutdown(): Promise<void> {
    inflight.closing = true;
    const deadline = Date.now() + input.closeTimeout;
    const requests =
      inflight.count > 0
        ? new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, input.closeTimeout);
            inflight.drained = () => {
              clearTimeout(timer);
              resolve();
            };
          })
        : undefined;
    await Promise.all([...servers.map((served) => drain(served, deadline)), requests]);
    inflight.drained = undefined;
    await input.events.idle();
    const steps = [...hooks.list('onClose'), ...input.shutdown.entries().map(([, step]) => step), ...input.closers].reverse();
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        logger.error('shutdown step failed', { error: errorFields(error) });
      }
    }
  }

  /** Stops a server accepting, lets its connections answer and close, resets what is left at the deadline. */
  function drain({ server, grace, sockets }: Served, deadline: number): Promise<void> {
    // From now on, every answer closes its connection — the app's own routes' too.
    server.prependListener('request', closeAfterAnswer);
    for (const socket of sockets) {
      const res = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
      if (res && !res.headersSent) res.shouldKeepAlive = false;
    }
    if (!server.listening) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let sweep: NodeJS.Timeout | undefined;
      const remaining = Math.max(0, deadline - Date.now());
      // The listener stays open through the grace period: closing it resets every connection
      // still waiting in the kernel's accept queue — with its request already written (under
      // load, 27 of 50 fresh clients of the example app lost their first request that way).
      // Until then every request, on an old connection or a new one, is answered (503,
      // Connection: close). Then the listener closes and idle connections are closed, one
      // sweep later so a connection accepted in the last turn gets its request read first.
      const graceTimer = setTimeout(
        () => {
          // net's close, not http's: http's would close every idle keep-alive connection at
          // once, racing the clients that are writing a request on one at that moment.
          NetServer.prototype.close.call(server);
          sweep = setInterval(() => server.closeIdleConnections(), SWEEP_INTERVAL);
        },
        Math.min(grace, remaining),
      );
      const deadlineTimer = setTimeout(() => {
        if (sockets.size) logger.warn('closeTimeout reached: resetting the connections still open', { connections: sockets.size, closeTimeout: input.closeTimeout });
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        done();
      }, remaining);
      function done() {
        clearTimeout(graceTimer);
        clearTimeout(deadlineTimer);
        clearInterval(sweep);
        resolve();
      }
      server.once('close', done);
    });
  }

  let signalled: NodeJS.Signals | undefined;
  const handled = new Set<NodeJS.Signals>();

  function closeOnSignals(signals: readonly NodeJS.Signals[] = DEFAULT_CLOSE_SIGNALS): void {
    checkSignals(signals);
    for (const signal of signals) {
      if (handled.has(signal)) continue;
      handled.add(signal);
      process.on(signal, onSignal);
    }
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (signalled) {
      logger.warn(`${signal} during the graceful close (after ${signalled}): exiting now`);
      process.exit(1);
    }
    signalled = signal;
    logger.info(`${signal}: closing gracefully`, { closeTimeout: input.closeTimeout });
    const stuck = setTimeout(() => {
      logger.error(`close() did not finish within closeTimeout (${input.closeTimeout} ms) + ${SIGNAL_EXIT_MARGIN} ms: exiting`);
      process.exit(1);
    }, input.closeTimeout + SIGNAL_EXIT_MARGIN);
    stuck.unref();
    close().then(
      () => {
        logger.info('closed: exiting');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('close failed: exiting', { error: errorFields(error) });
        process.exit(1);
      },
    );
  }

  return { listen, attach, checkHealth, close, closeOnSignals };
}

function closeAfterAnswer(_req: IncomingMessage, res: ServerResponse): void {
  res.shouldKeepAlive = false;
}

/** The timeouts of a server Burrow starts, defaults applied, each checked. */
function serverTimeouts(input: ServerTimeouts | undefined): Required<ServerTimeouts> {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'listen() timeouts', reason: 'must be an object such as { headers: 30000, request: 120000, keepAlive: 65000 }' });
  }
  const problems: string[] = [];
  const unknown = Object.keys(input ?? {}).filter((key) => !(key in DEFAULT_SERVER_TIMEOUTS));
  if (unknown.length) problems.push(`unknown ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: headers, request, keepAlive)`);
  const resolved = { ...DEFAULT_SERVER_TIMEOUTS };
  for (const key of Object.keys(DEFAULT_SERVER_TIMEOUTS) as (keyof ServerTimeouts)[]) {
    const value = input?.[key];
    if (value === undefined) continue;
    if (!isDelay(value)) problems.push(`${key} must be a whole number of ms from 0 (off) to ${MAX_TIMER}, got ${JSON.stringify(value) ?? String(value)}`);
    else resolved[key] = value;
  }
  if (!problems.length && resolved.headers > 0 && resolved.request > 0 && resolved.headers > resolved.request) {
    problems.push(`headers (${resolved.headers}) must not exceed request (${resolved.request})`);
  }
  if (problems.length) throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'listen() timeouts', reason: problems.join('; ') });
  return resolved;
}

function closeGrace(value: number | undefined): number {
  if (value === undefined) return DEFAULT_CLOSE_GRACE;
  if (!isDelay(value)) throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'closeGrace', reason: `must be a whole number of ms from 0 to ${MAX_TIMER}, got ${JSON.stringify(value) ?? String(value)}` });
  return value;
}

function checkSignals(signals: readonly NodeJS.Signals[]): void {
  const wrong = Array.isArray(signals) ? signals.filter((s) => typeof s !== 'string' || !(s in osConstants.signals) || s === 'SIGKILL' || s === 'SIGSTOP') : [signals];
  if (wrong.length || !Array.isArray(signals)) {
    throw coreError('BURROW_ERR_BOOT_KERNEL_OPTION', { option: 'signals', reason: `must be true or a list of signal names such as ["SIGTERM", "SIGINT"], got ${wrong.map((s) => JSON.stringify(s)).join(', ')}` });
  }
}

const isDelay = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIMER;

function checkingInterval(timeouts: Required<ServerTimeouts>): number {
  const on = [timeouts.headers, timeouts.request].filter((t) => t > 0);
  if (!on.length) return 30_000;
  return Math.min(30_000, Math.max(50, Math.floor(Math.min(...on) / 4)));
}

/** An error of Node's HTTP parser, as `clientError` gives it. */
type ParserError = Error & { code?: string; reason?: string };

/**
 * Answers an error of Node's HTTP parser (`clientError`) with a problem+json written
 * raw on the socket — a complete HTTP/1.1 response with `Connection: close` — then ends
 * the connection: oversized headers 431, a request too slow to arrive 408, anything else
 * the parser refused 400. A socket that cannot be written (reset, or a response
 * already started) is destroyed.
 */
function answerClientError(error: ParserError, socket: Duplex, server: Server, typeBase: string | undefined, logger: Logger): void {
  const code = error?.code ?? '';
  const started = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
  const known = code === 'ERR_HTTP_REQUEST_TIMEOUT' || code.startsWith('HPE_');
  if (code === 'ECONNRESET' || !known || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const problem =
    code === 'HPE_HEADER_OVERFLOW'
      ? coreError('BURROW_ERR_REQUEST_HEADERS_TOO_LARGE', { limit: (server as Server & { maxHeaderSize?: number }).maxHeaderSize ?? defaultMaxHeaderSize })
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? coreError('BURROW_ERR_REQUEST_HEADERS_TIMEOUT', {})
        : coreError('BURROW_ERR_REQUEST_MALFORMED', { reason: parserReason(error) });
  const requestId = randomUUID();
  const body = JSON.stringify(toProblem(problem, '', requestId, typeBase));
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    `X-Request-Id: ${requestId}`,
    `Date: ${new Date().toUTCString()}`,
  ];
  logger.info('request refused by the HTTP parser', { requestId, status: problem.status, code: problem.code, parserCode: code });
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  // Whatever the client still sends is not read: do not keep the connection past a moment.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** The parser's own words (`Invalid method encountered`), never a stack trace. */
function parserReason(error: ParserError): string {
  const reason = typeof error.reason === 'string' && error.reason ? error.reason : String(error.message ?? '').replace(/^Parse Error:\s*/, '');
  return `${reason.replace(/[\r\n]+/g, ' ').slice(0, 200)} (${error.code})`;
}
