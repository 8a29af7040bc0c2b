import express, { type Express, type RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The only file of the core that imports Express. The kernel serves node's
 * req/res; Express only mounts it, as one middleware (a nested `express.Router`
 * would cost a second dispatch on every request). Mount it *before* any body parser
 * of the host app: Burrow reads and limits bodies itself (a body already parsed by
 * express.json() is taken as it is).
 */
export function createExpressMiddleware(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  notFound: 'problem' | 'next',
): RequestHandler {
  if (notFound === 'next') {
    return (req, res, next) => {
      (req as { burrowPassThrough?: () => void }).burrowPassThrough = next;
      void handle(req, res);
    };
  }
  return (req, res) => void handle(req, res);
}

/** A minimal Express app serving the kernel at its root (used by `kernel.listen()`). */
export function createExpressApp(middleware: RequestHandler): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Burrow parses the query string itself; Express's lazy parser stays unused.
  app.set('query parser', false);
  app.use(middleware);
  return app;
}
