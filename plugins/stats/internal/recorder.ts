/**
 * What the stats plugin keeps: an entry per operationId (unknown paths share one),
 * per resource action, and — when asked — per user and per group, bounded; an entry per
 * service method and the live sessions and service instances counted from the events of
 * the services and auth plugins. `record` runs after every response: synchronous, one
 * map lookup per view, nothing allocated once an operation was seen.
 */
import type { CompiledOperation, RequestContext } from 'burrowjs';
import { StatEntry, type EntryView } from './entry.js';

/** The entry of requests no operation matched (404, 405, refused before routing). */
export const UNMATCHED = '(unmatched)';
/** The entry of the users (or groups) past `maxUsers`. */
export const OTHERS = '(others)';

/** The entries an operation's requests count in, found once per operation. */
interface Slot {
  entry: StatEntry;
  resource: StatEntry | undefined;
}

/** What the recorder reads of the services plugin's `service.call` (declared there; subscribed by name). */
export interface ServiceCall {
  service: string;
  method: string;
  durationMs: number;
  ok: boolean;
  code?: string;
}

/** Live and cumulated counts of a service's instances. */
export interface InstanceCounts {
  live: number;
  created: number;
  disposed: number;
}

export interface RecorderOptions {
  perUser: boolean;
  perGroup: boolean;
  maxUsers: number;
  percentiles: readonly number[];
  /** The status of an error code (the kernel's error registry); a failed call without one counts as 5xx. */
  statusOf?: (code: string) => number | undefined;
}

export class Recorder {
  /** When the counters started (boot, or the last reset), ms since epoch. */
  since = Date.now();
  total = new StatEntry();
  readonly #slots = new Map<string, Slot>();
  /** By service, then method: counting a call builds no `Service.method` string. */
  readonly #services = new Map<string, Map<string, StatEntry>>();
  readonly #resources = new Map<string, StatEntry>();
  readonly #users = new Map<string, StatEntry>();
  readonly #groups = new Map<string, StatEntry>();
  readonly sessions = { opened: 0, ended: 0 };
  readonly instances = new Map<string, InstanceCounts>();

  constructor(private readonly options: RecorderOptions) {}

  /** Counts one answered request. */
  record(ctx: RequestContext): void {
    const micros = Number(process.hrtime.bigint() - ctx.startedAt) / 1000;
    const now = Date.now();
    const status = ctx.res.statusCode;
    const statusClass = status >= 100 && status < 600 ? (status / 100) | 0 : 0;
    const length = ctx.headers['content-length'];
    const bytesIn = length !== undefined ? Number(length) || 0 : (ctx.rawBody?.length ?? 0);
    // A compressed body has no Content-Length: the compression plugin counts what it wrote.
    const sent = ctx.bytesOut ?? ctx.res.getHeader('content-length');
    const bytesOut = sent === undefined ? 0 : Number(sent) || 0;

    const op = ctx.operation;
    const slot = this.#slots.get(op ? op.id : UNMATCHED) ?? this.#slot(op);
    slot.entry.record(statusClass, micros, bytesIn, bytesOut, now);
    slot.resource?.record(statusClass, micros, bytesIn, bytesOut, now);
    this.total.record(statusClass, micros, bytesIn, bytesOut, now);

    if (!this.options.perUser && !this.options.perGroup) return;
    const principal = ctx.principal as { id?: unknown; groups?: unknown } | undefined;
    if (!principal) return;
    if (this.options.perUser && (typeof principal.id === 'string' || typeof principal.id === 'number')) {
      bounded(this.#users, String(principal.id), this.options.maxUsers).record(statusClass, micros, bytesIn, bytesOut, now);
    }
    if (this.options.perGroup && Array.isArray(principal.groups)) {
      for (const group of principal.groups) {
        if (typeof group === 'string') bounded(this.#groups, group, this.options.maxUsers).record(statusClass, micros, bytesIn, bytesOut, now);
      }
    }
  }

  #slot(op: CompiledOperation | undefined): Slot {
    const slot: Slot = { entry: new StatEntry(), resource: undefined };
    if (op) {
      const resource = op.extensions['x-burrow-resource'] as { model?: unknown; action?: unknown } | undefined;
      if (resource && typeof resource.model === 'string' && typeof resource.action === 'string') {
        slot.resource = entryOf(this.#resources, `${resource.model}.${resource.action}`);
      }
    }
    this.#slots.set(op ? op.id : UNMATCHED, slot);
    return slot;
  }

  /**
   * Counts one service method call (`service.call`: REST, JSON-RPC and in-process alike):
   * its duration, and its status class — 2xx when it answered, else its error code's
   * status (5xx for an error without a registered 4xx or 5xx code). No bytes: a call is not a request.
   */
  serviceCall(call: ServiceCall): void {
    let statusClass = 2;
    if (!call.ok) {
      const status = call.code === undefined ? undefined : this.options.statusOf?.(call.code);
      // A failure is an error whatever its code says: 4xx or 5xx, never another class.
      statusClass = status !== undefined && status >= 400 && status < 600 ? (status / 100) | 0 : 5;
    }
    let methods = this.#services.get(call.service);
    if (!methods) this.#services.set(call.service, (methods = new Map()));
    let entry = methods.get(call.method);
    if (!entry) methods.set(call.method, (entry = new StatEntry()));
    entry.record(statusClass, call.durationMs * 1000, 0, 0, Date.now());
  }

  /** Forgets every counter (not the live sessions and instances, which are states). */
  reset(): void {
    this.since = Date.now();
    this.total = new StatEntry();
    for (const map of [this.#slots, this.#services, this.#resources, this.#users, this.#groups]) map.clear();
  }

  /** Session events of the auth plugin. */
  sessionOpened(): void {
    this.sessions.opened++;
  }
  sessionEnded(): void {
    this.sessions.ended++;
  }

  /** Instance events of the services plugin. */
  instance(service: string, change: 1 | -1): void {
    let counts = this.instances.get(service);
    if (!counts) this.instances.set(service, (counts = { live: 0, created: 0, disposed: 0 }));
    if (change === 1) counts.created++;
    else counts.disposed++;
    counts.live = Math.max(0, counts.created - counts.disposed);
  }

  operations(): Record<string, EntryView> {
    const views: Record<string, EntryView> = {};
    for (const [id, slot] of [...this.#slots].sort(([a], [b]) => a.localeCompare(b))) views[id] = slot.entry.view(this.options.percentiles);
    return views;
  }
  /** By `Service.method`. */
  services(): Record<string, EntryView> {
    const flat = new Map<string, StatEntry>();
    for (const [service, methods] of this.#services) for (const [method, entry] of methods) flat.set(`${service}.${method}`, entry);
    return viewsOf(flat, this.options.percentiles);
  }
  resources(): Record<string, EntryView> {
    return viewsOf(this.#resources, this.options.percentiles);
  }
  users(): Record<string, EntryView> {
    return viewsOf(this.#users, this.options.percentiles);
  }
  groups(): Record<string, EntryView> {
    return viewsOf(this.#groups, this.options.percentiles);
  }
}

function entryOf(map: Map<string, StatEntry>, key: string): StatEntry {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = new StatEntry()));
  return entry;
}

/** The entry of `key`, or of `(others)` once `max` keys have theirs. */
function bounded(map: Map<string, StatEntry>, key: string, max: number): StatEntry {
  const entry = map.get(key);
  if (entry) return entry;
  const own = map.has(OTHERS) ? map.size - 1 : map.size;
  return entryOf(map, own < max ? key : OTHERS);
}

function viewsOf(map: Map<string, StatEntry>, percentiles: readonly number[]): Record<string, EntryView> {
  const views: Record<string, EntryView> = {};
  for (const key of [...map.keys()].sort()) views[key] = map.get(key)!.view(percentiles);
  return views;
}
