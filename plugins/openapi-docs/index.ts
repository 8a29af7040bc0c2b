import path from 'node:path';
import { definePlugin } from 'burrowjs';
import { parseOpenapiDocsOptions, type OpenapiDocsOptions, type ResolvedOpenapiDocsOptions } from './options.js';
import { docsFragment, OPERATION_IDS } from './internal/contract.js';
import { createSpecHandlers, createUiHandlers } from './internal/handlers.js';
import { ASSET_MEDIA_TYPES, ASSET_NAMES, INIT_SCRIPT, readDistAssets, renderPage } from './internal/swagger-ui.js';

export type { OpenapiDocsOptions, ResolvedOpenapiDocsOptions } from './options.js';

/**
 * Serves the composed OpenAPI document at `/openapi.json` and `/openapi.yaml`, and
 * Swagger UI at `/docs/` with every file served locally (no CDN, no online
 * validator). The plugin contributes these operations to the contract (tag
 * `burrow`), so they are routed, validated and documented like the app's own.
 *
 * @example
 * import { openapiDocs } from './plugins/openapi-docs/index.js'
 * const kernel = await createKernel({ contract: 'openapi/api.yaml', handlers, plugins: [openapiDocs({ title: 'Tasks' })] })
 * app.use('/api/v1', expressMiddleware(kernel)) // Swagger UI at /api/v1/docs/
 */
export const openapiDocs = definePlugin<ResolvedOpenapiDocsOptions, OpenapiDocsOptions>({
  name: 'openapi-docs',
  options: parseOpenapiDocsOptions,
  async setup(kernel, options) {
    kernel.contract.add('openapi-docs', docsFragment(options, { names: ASSET_NAMES, mediaTypes: ASSET_MEDIA_TYPES }));
    const spec = createSpecHandlers(kernel);
    kernel.handlers.add(OPERATION_IDS.json, spec.json);
    kernel.handlers.add(OPERATION_IDS.yaml, spec.yaml);
    if (!options.ui) return;

    const assets = await readDistAssets();
    // The page needs the document (its title defaults to the contract's), which exists after boot.
    let rendered: ReturnType<typeof renderPage> | undefined;
    const page = () =>
      (rendered ??= renderPage({
        title: options.title ?? `${String(kernel.document.info?.title ?? 'API')} — API documentation`,
        // Relative to the page at `<docsPath>/`, so it holds under any mount path.
        specUrl: path.posix.relative(options.docsPath, `${options.specPath}.json`),
      }));
    // Rendered at boot rather than on the first visit, so that a broken swagger-ui-express fails the start.
    kernel.hooks.add('onReady', () => void page());
    const ui = createUiHandlers({
      page: () => page().html,
      asset: (name) => (name === INIT_SCRIPT ? page().init : assets.get(name)),
      redirect: `${path.posix.basename(options.docsPath)}/`,
    });
    kernel.handlers.add(OPERATION_IDS.page, ui.page);
    kernel.handlers.add(OPERATION_IDS.asset, ui.asset);
  },
});

export default openapiDocs;
