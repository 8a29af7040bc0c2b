/**
 * The live instances of every service, by lifetime: a perCall instance lives for
 * one call; a shared one for the life of the kernel; keyed ones (clientDriven,
 * perSession, perUser, perGroup) until they are released, idle out or their session
 * ends. An instance in use is never disposed under a call: retiring it waits for
 * its last call to finish. `dispose` is awaited; what it throws is logged.
 */
import { randomBytes } from 'node:crypto';
import type { EventBus, Logger } from 'burrowjs';
import type { CallTransport, Lifetime } from './dispatch.js';
import type { ServiceDefinition, ServiceLifecycle } from './define-service.js';

/** Why an instance was disposed (`service.instance.disposed`'s `reason`). */
export type DisposeReason = 'call-ended' | 'released' | 'idle' | 'session-ended' | 'close';

type Instance = object & ServiceLifecycle;

/** One instance and its bookkeeping. */
export interface Slot {
  readonly service: string;
  readonly lifetime: Lifetime;
  /** The public id: random (128 bits, base64url) for clientDriven, a sequence number otherwise. */
  readonly id: string;
  /** What the slot is kept by in its service's map (undefined: perCall, kept nowhere). */
  readonly key: string | undefined;
  /** clientDriven: the principal id that made it (undefined: made without credentials). */
  readonly owner: string | undefined;
  instance: Instance | undefined;
  pending: Promise<Instance> | undefined;
  /** Calls running on it (and callers waiting for its creation). */
  uses: number;
  lastUsed: number;
  readonly idleMs: number;
  /** Set once it left its map: disposed when its last use ends. */
  retired: { reason: DisposeReason; done: Promise<void>; resolve: () => void } | undefined;
}

/** What a call holds while it runs on an instance. */
export interface Lease {
  slot: Slot;
  instance: Instance;
}

/** The payload of `service.call`: one method call that settled. */
export interface ServiceCallEvent {
  /** `Calculator` */
  service: string;
  /** `add` */
  method: string;
  /** The operation that declares the method. */
  operationId: string;
  /** How the call arrived. */
  transport: CallTransport;
  /** From the dispatcher's start of the call (finding or making its instance) to its settling, in milliseconds (fractional). */
  durationMs: number;
  /** Whether the method answered (false: it threw, or timed out). */
  ok: boolean;
  /** On failure: the code of the error (`BURROW_ERR_SERVICE_TIMEOUT`, a service's own code); absent for an error without one. */
  code?: string;
  /** The caller's principal id, when the call had a principal. */
  principalId?: string;
}

declare module 'burrowjs' {
  interface BurrowEvents {
    /** A service instance was made (perCall: one per call). */
    'service.instance.created': { service: string; lifetime: Lifetime; instanceId: string; reason: 'call' };
    /** A service instance was disposed (its `dispose` awaited). */
    'service.instance.disposed': { service: string; lifetime: Lifetime; instanceId: string; reason: DisposeReason };
    /**
     * A method call settled (REST route, each JSON-RPC call, in-process proxy): published
     * by `internal/call-events.ts` only while the event has a subscriber.
     */
    'service.call': ServiceCallEvent;
  }
}

/** Makes an instance for a slot (the dispatcher supplies the caller's init). */
export type Maker = () => Instance | Promise<Instance>;

/** Every live instance of one plugin, with the idle sweep. */
export class InstanceRegistry {
  readonly #keyed = new Map<string, Map<string, Slot>>();
  readonly #counts = new Map<string, number>();
  readonly #events: EventBus;
  readonly #logger: Logger;
  readonly #sweepMs: number;
  #timer: NodeJS.Timeout | undefined;
  #seq = 0;
  #closed = false;

  constructor(options: { events: EventBus; logger: Logger; sweepInterval: number; services: readonly ServiceDefinition[] }) {
    this.#events = options.events;
    this.#logger = options.logger;
    this.#sweepMs = Math.max(1, Math.round(options.sweepInterval * 1000));
    for (const definition of options.services) {
      this.#counts.set(definition.name, 0);
      if (definition.lifetime !== 'perCall') this.#keyed.set(definition.name, new Map());
    }
  }

  /** Live instances by service name (perCall ones while their call runs). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /**
   * The instance of a shared or keyed slot, made on first use. Concurrent first calls
   * wait for the same creation; a creation that fails leaves nothing behind.
   */
  acquire(definition: ServiceDefinition, key: string, idleMs: number, make: Maker): Lease | Promise<Lease> {
    const map = this.#keyed.get(definition.name)!;
    let slot = map.get(key);
    if (!slot) {
      slot = this.#slot(definition, String(++this.#seq), key, undefined, idleMs);
      map.set(key, slot);
      this.#startCreation(slot, map, make);
    }
    return this.#use(slot);
  }

  /** A new clientDriven instance, owned by `owner`; it is kept once made. */
  async acquireNew(definition: ServiceDefinition, owner: string | undefined, idleMs: number, make: Maker): Promise<Lease> {
    const id = randomBytes(16).toString('base64url');
    const slot = this.#slot(definition, id, id, owner, idleMs);
    slot.uses = 1;
    const instance = await make();
    slot.instance = instance;
    this.#created(slot);
    this.#keyed.get(definition.name)!.set(id, slot);
    this.#startSweeping();
    return { slot, instance };
  }

  /** The clientDriven instance `id` when it is live and `owner`'s; undefined otherwise (the caller answers 404). */
  acquireExisting(service: string, id: string, owner: string | undefined): Lease | Promise<Lease> | undefined {
    const slot = this.#keyed.get(service)?.get(id);
    if (!slot || slot.owner !== owner) return undefined;
    return this.#use(slot);
  }

  /** A perCall instance: made for one call, disposed when it ends. */
  async acquireOnce(definition: ServiceDefinition, make: Maker): Promise<Lease> {
    const slot = this.#slot(definition, String(++this.#seq), undefined, undefined, 0);
    slot.uses = 1;
    slot.instance = await make();
    this.#created(slot);
    slot.retired = retirement('call-ended');
    return { slot, instance: slot.instance };
  }

  /** Ends a call's use of its instance; a retired instance whose last use this was is disposed (awaited). */
  finish(slot: Slot): void | Promise<void> {
    slot.uses--;
    slot.lastUsed = performance.now();
    if (slot.uses === 0 && slot.retired) return this.#dispose(slot);
  }

  /** Takes a keyed instance out of service and disposes it once no call uses it; resolves when disposed. */
  retire(slot: Slot, reason: DisposeReason): Promise<void> {
    if (slot.retired) return slot.retired.done;
    const map = slot.key === undefined ? undefined : this.#keyed.get(slot.service);
    if (map?.get(slot.key!) === slot) map.delete(slot.key!);
    slot.retired = retirement(reason);
    if (slot.uses === 0) void this.#dispose(slot);
    return slot.retired.done;
  }

  /** Releases the clientDriven instance `id` of `owner`; false when there is none (the caller answers 404). */
  async release(service: string, id: string, owner: string | undefined): Promise<boolean> {
    const slot = this.#keyed.get(service)?.get(id);
    if (!slot || slot.owner !== owner || slot.lifetime !== 'clientDriven') return false;
    await this.retire(slot, 'released');
    return true;
  }

  /** Disposes the perSession instances of a session that ended (logout, an admin). */
  async endSession(sessionId: string, perSession: readonly string[]): Promise<void> {
    const slots = perSession.flatMap((service) => this.#keyed.get(service)?.get(sessionId) ?? []);
    await Promise.all(slots.map((slot) => this.retire(slot, 'session-ended')));
  }

  /** Disposes the keyed instances unused for longer than their idle timeout (never one in use or being made). */
  sweep(): Promise<void> {
    const now = performance.now();
    const idle: Promise<void>[] = [];
    for (const map of this.#keyed.values()) {
      for (const slot of map.values()) {
        if (slot.uses === 0 && slot.instance && slot.lifetime !== 'shared' && now - slot.lastUsed >= slot.idleMs) idle.push(this.retire(slot, 'idle'));
      }
    }
    return Promise.all(idle).then(() => undefined);
  }

  /** Stops the sweep and disposes every instance (kernel close). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    const all = [...this.#keyed.values()].flatMap((map) => [...map.values()]);
    await Promise.all(all.map(async (slot) => {
      if (slot.pending) await slot.pending.catch(() => undefined);
      if (slot.retired) return slot.retired.done;
      const map = this.#keyed.get(slot.service);
      if (map?.get(slot.key!) === slot) map.delete(slot.key!);
      slot.retired = retirement('close');
      return this.#dispose(slot);
    }));
  }

  #slot(definition: ServiceDefinition, id: string, key: string | undefined, owner: string | undefined, idleMs: number): Slot {
    return { service: definition.name, lifetime: definition.lifetime, id, key, owner, instance: undefined, pending: undefined, uses: 0, lastUsed: performance.now(), idleMs, retired: undefined };
  }

  #startCreation(slot: Slot, map: Map<string, Slot>, make: Maker): void {
    const made = (instance: Instance) => {
      slot.instance = instance;
      slot.pending = undefined;
      this.#created(slot);
      // A shared instance never idles out: only keyed ones need the sweep.
      if (slot.lifetime !== 'shared') this.#startSweeping();
      return instance;
    };
    let result: Instance | Promise<Instance>;
    try {
      result = make();
    } catch (error) {
      slot.pending = Promise.reject(error);
      slot.pending.catch(() => undefined);
      if (map.get(slot.key!) === slot) map.delete(slot.key!);
      return;
    }
    if (!(result instanceof Promise)) {
      made(result);
      return;
    }
    slot.pending = result.then(made, (error: unknown) => {
      // Nothing is cached: the next call tries again.
      if (map.get(slot.key!) === slot) map.delete(slot.key!);
      throw error;
    });
  }

  #use(slot: Slot): Lease | Promise<Lease> {
    slot.uses++;
    slot.lastUsed = performance.now();
    if (slot.instance) return { slot, instance: slot.instance };
    return slot.pending!.then(
      (instance) => ({ slot, instance }),
      (error: unknown) => {
        slot.uses--;
        if (slot.uses === 0 && slot.retired) void this.#dispose(slot);
        throw error;
      },
    );
  }

  #created(slot: Slot): void {
    this.#counts.set(slot.service, (this.#counts.get(slot.service) ?? 0) + 1);
    this.#events.emit('service.instance.created', { service: slot.service, lifetime: slot.lifetime, instanceId: slot.id, reason: 'call' });
  }

  async #dispose(slot: Slot): Promise<void> {
    const retired = slot.retired!;
    const instance = slot.instance;
    slot.instance = undefined;
    if (!instance) return retired.resolve();
    try {
      await instance.dispose?.();
    } catch (error) {
      this.#logger.error('services: dispose failed', { service: slot.service, instanceId: slot.id, error: error instanceof Error ? error.message : String(error) });
    }
    this.#counts.set(slot.service, (this.#counts.get(slot.service) ?? 1) - 1);
    this.#events.emit('service.instance.disposed', { service: slot.service, lifetime: slot.lifetime, instanceId: slot.id, reason: retired.reason });
    retired.resolve();
  }

  #startSweeping(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => void this.sweep(), this.#sweepMs);
    // The sweep never keeps the process alive on its own.
    this.#timer.unref();
  }
}

function retirement(reason: DisposeReason): NonNullable<Slot['retired']> {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { reason, done, resolve };
}
