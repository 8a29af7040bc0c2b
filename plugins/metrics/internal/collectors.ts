/**
 * The metrics of one kernel, in a registry of its own (never prom-client's global one:
 * two kernels in a process do not collide). The request counter and histogram are
 * recorded after each response through label-bound children cached per operation,
 * method and status class: a request costs an array lookup, an increment and an
 * observation, and allocates no label object. The service call counter and histogram
 * (from the services plugin's `service.call`) are recorded the same way, through
 * children cached per service and method.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { readGauge, type GaugeSource, type Logger, type RequestContext } from 'burrowjs';

/** The `operation` label of requests no operation matched: unknown paths are one series. */
export const UNMATCHED = '(unmatched)';

/** The `method` label: these methods, every other one is `OTHER`. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'OTHER'] as const;
const METHOD_INDEX: Record<string, number> = Object.fromEntries(METHODS.slice(0, -1).map((m, i) => [m.toLowerCase(), i]));
const OTHER = METHODS.length - 1;
const CLASSES = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

interface Child {
  requests: { inc(): void };
  duration: { observe(value: number): void };
}

/** The label-bound children of one service method. */
interface ServiceChild {
  ok: { inc(): void };
  error: { inc(): void };
  duration: { observe(value: number): void };
}

/** What the collectors read of the services plugin's `service.call` (declared there; subscribed by name). */
export interface ServiceCall {
  service: string;
  method: string;
  durationMs: number;
  ok: boolean;
}

export interface CollectorsOptions {
  defaultMetrics: boolean;
  prefix: string;
  buckets: number[];
}

export class Collectors {
  readonly registry = new Registry();
  readonly #requests: Counter<'operation' | 'method' | 'status_class'>;
  readonly #duration: Histogram<'operation' | 'method' | 'status_class'>;
  readonly instances: Gauge<'service'>;
  readonly rejections: Counter<'operation' | 'key' | 'policy'>;
  readonly #serviceCalls: Counter<'service' | 'method' | 'outcome'>;
  readonly #serviceDuration: Histogram<'service' | 'method'>;
  /** The children by operation, then method × status class. */
  readonly #children = new Map<string, (Child | undefined)[]>();
  /** The service children by service, then method. */
  readonly #serviceChildren = new Map<string, Map<string, ServiceChild>>();

  constructor(options: CollectorsOptions, violations: () => number) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: options.prefix });
    const labelNames = ['operation', 'method', 'status_class'] as const;
    this.#requests = new Counter({ name: 'burrow_http_requests_total', help: 'HTTP requests answered, by operationId, method and status class.', labelNames, registers });
    this.#duration = new Histogram({
      name: 'burrow_http_request_duration_seconds',
      help: 'Seconds from the arrival of a request to the end of its response, by operationId, method and status class.',
      labelNames,
      buckets: options.buckets,
      registers,
    });
    this.instances = new Gauge({ name: 'burrow_service_instances', help: 'Live instances of each service of the services plugin.', labelNames: ['service'], registers });
    this.rejections = new Counter({
      name: 'burrow_rate_limit_rejections_total',
      help: 'Requests the rate-limit plugin refused with 429, by operationId, key kind and policy.',
      labelNames: ['operation', 'key', 'policy'],
      registers,
    });
    this.#serviceCalls = new Counter({
      name: 'burrow_service_calls_total',
      help: 'Service method calls of the services plugin (REST, JSON-RPC and in-process alike), by service, method and outcome (ok, error).',
      labelNames: ['service', 'method', 'outcome'],
      registers,
    });
    this.#serviceDuration = new Histogram({
      name: 'burrow_service_call_duration_seconds',
      help: 'Seconds a service method call of the services plugin ran (from finding its instance to its settling), by service and method.',
      labelNames: ['service', 'method'],
      buckets: options.buckets,
      registers,
    });
    let reported = 0;
    new Counter({
      name: 'burrow_response_violations_total',
      help: 'Responses that did not match the contract (the kernel\'s response validation).',
      registers,
      collect() {
        const now = violations();
        if (now > reported) this.inc(now - reported);
        reported = now;
      },
    });
  }

  /** The gauges of `kernel.gauges` already in the registry, by name. */
  readonly #gauges = new Set<string>();

  /**
   * Adds the gauges registered since the last call (plugins' at boot, the app's later), each
   * read at every scrape as `burrow_<name>`. A name another metric already has is skipped,
   * with a warning; a failing `read` is logged and leaves the last value.
   */
  syncGauges(sources: [string, GaugeSource][], logger: Pick<Logger, 'warn'>): void {
    for (const [name, source] of sources) {
      if (this.#gauges.has(name)) continue;
      this.#gauges.add(name);
      const metric = `burrow_${name}`;
      if (this.registry.getSingleMetric(metric)) {
        logger.warn('gauge skipped: a metric of that name exists', { gauge: name, metric });
        continue;
      }
      new Gauge({
        name: metric,
        help: source.help,
        registers: [this.registry],
        async collect() {
          const value = await readGauge(name, source, logger);
          if (value !== undefined) this.set(value);
        },
      });
    }
  }

  /** Counts one answered request. */
  record(ctx: RequestContext): void {
    const seconds = Number(process.hrtime.bigint() - ctx.startedAt) / 1e9;
    const operation = ctx.operation?.id ?? UNMATCHED;
    let children = this.#children.get(operation);
    if (!children) this.#children.set(operation, (children = new Array(METHODS.length * CLASSES.length)));
    const status = ctx.res.statusCode;
    const statusClass = status >= 100 && status < 600 ? (status / 100) | 0 : 0;
    const method = METHOD_INDEX[ctx.method] ?? OTHER;
    const index = method * CLASSES.length + statusClass;
    const child = (children[index] ??= this.#child(operation, METHODS[method]!, CLASSES[statusClass]!));
    child.requests.inc();
    child.duration.observe(seconds);
  }

  #child(operation: string, method: string, statusClass: string): Child {
    const labels = { operation, method, status_class: statusClass };
    return { requests: this.#requests.labels(labels), duration: this.#duration.labels(labels) };
  }

  /** Counts one service method call (the services plugin's `service.call`). */
  serviceCall(call: ServiceCall): void {
    let methods = this.#serviceChildren.get(call.service);
    if (!methods) this.#serviceChildren.set(call.service, (methods = new Map()));
    let child = methods.get(call.method);
    if (!child) {
      const { service, method } = call;
      child = {
        ok: this.#serviceCalls.labels({ service, method, outcome: 'ok' }),
        error: this.#serviceCalls.labels({ service, method, outcome: 'error' }),
        duration: this.#serviceDuration.labels({ service, method }),
      };
      methods.set(call.method, child);
    }
    (call.ok ? child.ok : child.error).inc();
    child.duration.observe(call.durationMs / 1000);
  }

  close(): void {
    this.registry.clear();
    this.#children.clear();
    this.#serviceChildren.clear();
  }
}
