/**
 * What the stats plugin keeps: an entry per operationId (unknown paths share one),
 * per service method, per resource action, and — when asked — per user and per group,
 * bounded; the live sessions and service instances counted from the events of the
 * auth and services plugins. `record` runs after every response: synchronous, one
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
  service: StatEntry | undefined;
  resource: StatEntry | undefined;
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
}

export class Recorder {
  /** When the counters started (boot, or the last reset), ms since epoch. */
  since = Date.now();
  total = new StatEntry();
  readonly #slots = new Map<string, Slot>();
  readonly #services = new Map<string, StatEntry>();
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
    const sent = ctx.res.getHeader('content-length');
    const bytesOut = sent === undefined ? 0 : Number(sent) || 0;

    const op = ctx.operation;
    const slot = this.#slots.get(op ? op.id : UNMATCHED) ?? this.#slot(op);
    slot.entry.record(statusClass, micros, bytesIn, bytesOut, now);
    slot.service?.record(statusClass, micros, bytesIn, bytesOut, now);
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
    const slot: Slot = { entry: new StatEntry(), service: undefined, resource: undefined };
    if (op) {
      const service = op.extensions['x-burrow-service'] as { service?: unknown; method?: unknown } | undefined;
      if (service && typeof service.service === 'string') {
        slot.service = entryOf(this.#services, `${service.service}.${typeof service.method === 'string' ? service.method : op.id}`);
      }
      const resource = op.extensions['x-burrow-resource'] as { model?: unknown; action?: unknown } | undefined;
      if (resource && typeof resource.model === 'string' && typeof resource.action === 'string') {
        slot.resource = entryOf(this.#resources, `${resource.model}.${resource.action}`);
      }
    }
    this.#slots.set(op ? op.id : UNMATCHED, slot);
    return slot;
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
  services(): Record<string, EntryView> {
    return viewsOf(this.#services, this.options.percentiles);
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
