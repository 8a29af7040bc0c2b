import express, { type Router, type Express } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The only file of the core that imports Express. The kernel serves node's
 * req/res; Express only mounts it. Mount the router *before* any body parser of the
 * host app (Burrow reads and limits bodies itself; a body already parsed by
 * express.json() is taken as it is).
 */
export function createExpressRouter(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  notFound: 'problem' | 'next',
): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    if (notFound === 'next') (req as { burrowPassThrough?: () => void }).burrowPassThrough = next;
    void handle(req, res);
  });
  return router;
}

/** A minimal Express app serving one router at the root (used by `kernel.listen()`). */
export function createExpressApp(router: Router): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(router);
  return app;
}
