import type { ContractFragment } from 'burrowjs';
import type { ResolvedOpenapiDocsOptions } from '../options.js';

/** The operationIds the plugin contributes, and registers handlers for. */
export const OPERATION_IDS = {
  json: 'burrowOpenApiJson',
  yaml: 'burrowOpenApiYaml',
  page: 'burrowDocsPage',
  asset: 'burrowDocsAsset',
} as const;

/** The tag of the contributed operations. */
export const TAG = { name: 'burrow', description: 'Served by Burrow itself: the contract of this API and its documentation.' };

/**
 * The operations the plugin serves, as a contract fragment. Only what is declared
 * is reachable, so every URL the plugin answers is here — the assets as an enum of
 * exactly the files held in memory. Written to be valid OpenAPI 3.0 and 3.1 alike.
 */
export function docsFragment(options: ResolvedOpenapiDocsOptions, assets: { names: readonly string[]; mediaTypes: readonly string[] }): ContractFragment {
  const { docsPath, specPath } = options;
  const paths: NonNullable<ContractFragment['paths']> = {
    [`${specPath}.json`]: {
      get: {
        operationId: OPERATION_IDS.json,
        tags: [TAG.name],
        summary: 'The OpenAPI document of this API, as JSON',
        description: 'The composed contract: the application\'s operations, those contributed by plugins, and the problem schema.',
        responses: {
          '200': { description: 'The OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    [`${specPath}.yaml`]: {
      get: {
        operationId: OPERATION_IDS.yaml,
        tags: [TAG.name],
        summary: 'The OpenAPI document of this API, as YAML',
        description: `The same document as \`${specPath}.json\`.`,
        responses: {
          '200': { description: 'The OpenAPI document.', content: { 'application/yaml': { schema: { type: 'string' } } } },
        },
      },
    },
  };
  if (!options.ui) return publicFragment(paths);

  paths[docsPath] = {
    get: {
      operationId: OPERATION_IDS.page,
      tags: [TAG.name],
      summary: 'Swagger UI',
      description:
        `The interactive documentation. \`${docsPath}\` redirects to \`${docsPath}/\`, the page itself, ` +
        'so that its relative asset URLs resolve wherever the API is mounted.',
      responses: {
        '200': { description: 'The Swagger UI page (at the path with a trailing slash).', content: { 'text/html': { schema: { type: 'string' } } } },
        '301': {
          description: 'Redirects to the path with a trailing slash.',
          headers: { Location: { description: 'The page, relative to the requested path.', schema: { type: 'string' } } },
        },
      },
    },
  };
  paths[`${docsPath}/{asset}`] = {
    get: {
      operationId: OPERATION_IDS.asset,
      tags: [TAG.name],
      summary: 'A file of Swagger UI',
      description: 'Served from memory; nothing is fetched from another host.',
      parameters: [
        { name: 'asset', in: 'path', required: true, description: 'The file.', schema: { type: 'string', enum: [...assets.names] } },
        { name: 'If-None-Match', in: 'header', required: false, description: 'An ETag of a copy the client holds.', schema: { type: 'string' } },
      ],
      responses: {
        '200': {
          description: 'The file.',
          headers: {
            ETag: { description: 'Identifies this version of the file.', schema: { type: 'string' } },
            'Cache-Control': { description: 'How long the file may be reused without asking again.', schema: { type: 'string' } },
          },
          content: Object.fromEntries(
            assets.mediaTypes.map((type) => [type, { schema: type.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' } }]),
          ),
        },
        '304': { description: 'The copy the client holds (`If-None-Match`) is current.' },
      },
    },
  };
  return publicFragment(paths);
}

/**
 * The contract and its documentation are public, whatever the root `security` of the
 * contract says: a browser cannot send a bearer token for a page and its scripts.
 */
function publicFragment(paths: NonNullable<ContractFragment['paths']>): ContractFragment {
  for (const item of Object.values(paths)) for (const operation of Object.values(item)) (operation as { security?: unknown[] }).security = [];
  return { paths, tags: [TAG] };
}
