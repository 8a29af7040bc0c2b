import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'winston';
import { errorFields } from './logger.js';
import type { Registry } from '../plugin/registry.js';
import type { Hooks } from '../plugin/hooks.js';
import type { EventBus } from '../plugin/events.js';
import type { PipelineState } from '../request/pipeline.js';
import type { HealthCheck, Listening, ListenOptions, ShutdownStep } from './types.js';

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
  serve: () => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>;
}

/** listen, attach, health and graceful close of a kernel. */
export function createLifecycle(input: LifecycleInput) {
  const { logger, hooks, inflight } = input;
  const servers: Server[] = [];

  async function listen(options: ListenOptions = {}): Promise<Listening> {
    const serve = input.serve();
    const port = options.port ?? Number(process.env.PORT ?? 3000);
    const host = options.host ?? process.env.HOST ?? '127.0.0.1';
    const server = createServer(options.handler ?? ((req, res) => void serve(req, res)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
    const address = server.address() as AddressInfo;
    return { server, url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` };
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
   * Graceful close: stop accepting connections, let in-flight requests finish (up
   * to `closeTimeout`), close the servers, let event subscribers settle, then run
   * the onClose hooks, shutdown steps and plugin closers, newest first.
   */
  async function close(): Promise<void> {
    if (inflight.closing) return;
    inflight.closing = true;
    const deadline = Date.now() + input.closeTimeout;
    const stopped = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const server of servers) server.closeIdleConnections();
    if (inflight.count > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, input.closeTimeout);
        timer.unref();
        inflight.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // An attached server may also serve the app's own routes: let their requests finish too,
    // closing each keep-alive connection as soon as it is idle, until the same deadline.
    if (servers.length) {
      const sweep = setInterval(() => {
        for (const server of servers) server.closeIdleConnections();
      }, 25);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
      await Promise.race([stopped, expired]);
      clearInterval(sweep);
      clearTimeout(timer);
    }
    for (const server of servers) server.closeAllConnections();
    await stopped;
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

  return { listen, attach: (server: Server) => void servers.push(server), checkHealth, close };
}
