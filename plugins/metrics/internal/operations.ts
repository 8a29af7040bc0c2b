/** `GET <path>`: the Prometheus exposition of the kernel's registry, contributed to the contract. */
import { guardedOperation, type ContractFragment, type RawHandler } from 'burrowjs';
import type { Registry } from 'prom-client';
import type { ResolvedMetricsOptions } from '../options.js';
import { metricsErrors } from './errors.js';

/** The operationId of the contributed operation. */
const OPERATION_ID = 'metrics';

/** The Prometheus text exposition format's media type, as the operation declares it. */
const EXPOSITION = 'text/plain; version=0.0.4';

/** The contract fragment and handler of the metrics. */
export function metricsOperation(options: ResolvedMetricsOptions, registry: Registry, beforeScrape: () => void): { fragment: ContractFragment; handlers: Record<string, RawHandler> } {
  const { fields, guard, who } = guardedOperation(options, {
    plugin: 'metrics',
    code: 'BURROW_ERR_METRICS_FORBIDDEN',
    refuse: (address) => metricsErrors.create('BURROW_ERR_METRICS_FORBIDDEN', { address }),
  });
  const paths = {
    [options.path]: {
      get: {
        operationId: OPERATION_ID,
        tags: [options.tag],
        summary: 'Prometheus metrics',
        description: `The Prometheus text exposition (version 0.0.4): \`burrow_http_requests_total\`, \`burrow_http_request_duration_seconds\`, sessions, service instances, rate-limit rejections, response violations and the process metrics. ${who}`,
        ...fields,
        responses: {
          '200': { description: 'The metrics.', content: { [EXPOSITION]: { schema: { type: 'string' } } } },
          '403': {
            description: 'The caller\'s address is not allowed (`BURROW_ERR_METRICS_FORBIDDEN`), or its groups may not scrape.',
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/BurrowProblem' } } },
          },
        },
      },
    },
  } as ContractFragment['paths'];
  const handlers: Record<string, RawHandler> = {
    [OPERATION_ID]: async (ctx) => {
      guard(ctx);
      beforeScrape();
      const text = await registry.metrics();
      return { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }, body: text };
    },
  };
  return { fragment: { paths, tags: [{ name: options.tag, description: 'Statistics and metrics of the running service.' }] }, handlers };
}
