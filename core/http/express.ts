import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kernel, Listening, ListenOptions } from '../kernel/types.js';

/**
 * Express middleware, typed structurally so that Burrow's declarations need no
 * `@types/express`: Express passes its `Request` (an `IncomingMessage`), `Response`
 * (a `ServerResponse`) and `next`, and `app.use()` accepts it as it is.
 */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Options of {@link expressMiddleware}. */
export interface ExpressMiddlewareOptions {
  /**
   * A path no operation of the contract matches: answer it with a 404 problem
   * (`problem`, the default), or pass it on to the app's later routes (`next`).
   * A declared path with an undeclared method is always a 405.
   */
  notFound?: 'problem' | 'next';
}

/**
 * Serves a kernel from an Express app: `app.use('/api/v1', expressMiddleware(kernel))`.
 *
 * The kernel serves node's req/res; Express only mounts it, as one middleware (a
 * nested `express.Router` would cost a second dispatch on every request). Mount it
 * *before* any body parser of the app: Burrow reads and limits bodies itself (a
 * body already parsed by `express.json()` is taken as it is). This is the only
 * file of Burrow that imports Express; the kernel never imports it.
 *
 * @example
 * import express from 'express'
 * import { createKernel } from 'burrowjs'
 * import { expressMiddleware } from 'burrowjs/express'
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', handlers })
 * const app = express()
 * app.use('/api/v1', expressMiddleware(kernel))
 * app.listen(3000)
 */
export function expressMiddleware(kernel: Kernel, options: ExpressMiddlewareOptions = {}): ExpressMiddleware {
  if (options.notFound === 'next') return (req, res, next) => void kernel.handle(req, res, () => next());
  return (req, res) => void kernel.handle(req, res);
}

/**
 * Starts an HTTP server with an Express app that serves the kernel at its root
 * (`x-powered-by` and Express's ETag off, Express's query parser unused), and
 * attaches it to the kernel so that `kernel.close()` stops it gracefully. It is
 * `kernel.listen()`'s server with an Express app in front: the same `timeouts`
 * (header, request and keep-alive), `closeGrace`, `signals`, and Node's parser errors
 * answered as problem+json (431, 408, 400). For the server without Express, use
 * `kernel.listen()`. An Express app that starts its own server (`app.listen()`) passes
 * it to `kernel.attach(server)` for the graceful close and the parser's problems.
 *
 * @example
 * const { url } = await listen(kernel, { port: 3000, signals: true, timeouts: { keepAlive: 65_000 } })
 */
export async function listen(kernel: Kernel, options: ListenOptions & ExpressMiddlewareOptions = {}): Promise<Listening> {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Burrow parses the query string itself; Express's lazy parser stays unused.
  app.set('query parser', false);
  app.use(expressMiddleware(kernel, options));
  return kernel.listen({ ...options, handler: app });
}
