import { expressMiddleware } from '../../../core/http/express.js';
import type { Kernel } from '../../../core/index.js';

/** How these tests mount a kernel in an Express app (`app.use('/api/v1', mount(kernel))`): the one place to change if that API moves. */
export const mount = (kernel: Kernel) => expressMiddleware(kernel);
