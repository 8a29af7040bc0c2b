import { definePlugin } from 'burrowjs';
import { parseCompressionOptions, type CompressionOptions, type ResolvedCompressionOptions } from './options.js';
import { compressionHook } from './internal/compress.js';

export type { CompressionOptions, ResolvedCompressionOptions, CompressionFilter, Encoding } from './options.js';
export { COMPRESSION_DEFAULTS } from './options.js';
export { compressibleType } from './internal/compress.js';

/**
 * Compresses responses with brotli or gzip (deflate on request), as `Accept-Encoding`
 * negotiates by q-value: responses of a compressible type at or above `threshold` bytes;
 * never images, video, archives and other compressed types, event streams, HEAD, 204/304,
 * a response that already has a `Content-Encoding` or says `Cache-Control: no-transform`.
 * `Vary: Accept-Encoding` on every response of a compressible type.
 *
 * @example
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', plugins: [compression({ threshold: 2048 })] });
 */
export const compression = definePlugin<ResolvedCompressionOptions, CompressionOptions>({
  name: 'compression',
  options: parseCompressionOptions,
  setup(kernel, options) {
    kernel.hooks.add('onSend', compressionHook(options));
  },
});

export default compression;
