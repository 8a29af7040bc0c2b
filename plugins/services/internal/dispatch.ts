/**
 * What the REST handlers and the JSON-RPC endpoint share: the service methods the
 * contract declares, and the one way to run a method (find or make the instance its
 * lifetime says, call it with the call context, answer its result).
 */
import type { RequestContext } from 'burrowjs';

/** The lifetimes of mORMot's services (`sicSingle` is `perCall`). */
export type Lifetime = 'perCall' | 'shared' | 'clientDriven' | 'perSession' | 'perUser' | 'perGroup';

/** One method of a service: one contract operation marked `x-burrow-service`. */
export interface ServiceMethodEntry {
  /** `Calculator` */
  service: string;
  /** `add` */
  method: string;
  /** The operation that declares it (its REST route, its schemas, its security). */
  operationId: string;
  lifetime: Lifetime;
  /** Whether the operation declares a JSON request body (the method's input); without one the input is `undefined`. */
  hasInput: boolean;
  /** The status of a success: the operation's 2xx response (200, 201 or 204). */
  successStatus: number;
}

/** How a call reached the dispatcher: its REST route, a JSON-RPC call (single or in a batch), an in-process `services.get()` proxy. */
export type CallTransport = 'rest' | 'jsonrpc' | 'inproc';

/** How a method is run. */
export interface InvokeOptions {
  /** The clientDriven instance to run on (none: a new one is made). */
  instanceId?: string;
  /** How the call arrived (`service.call`'s `transport`). Default `inproc`. */
  transport?: CallTransport;
}

/** What running a method answers. */
export interface InvokeResult {
  /** The method's result (the success response's body; undefined for 204). */
  result: unknown;
  /** The instance of a clientDriven service the call ran on (made by this call when none was given). */
  instanceId?: string;
}

/** Runs service methods; the REST handlers and the JSON-RPC endpoint both go through it. */
export interface Dispatcher {
  /** Every service method, by `Service.method`. */
  readonly methods: ReadonlyMap<string, ServiceMethodEntry>;
  /**
   * Runs a method for the caller of `ctx` on its already validated input. The caller is
   * already authorized. Throws a BurrowError (the service's own codes, a lifetime that
   * needs a principal, an unknown clientDriven instance, a timeout).
   */
  invoke(ctx: RequestContext, entry: ServiceMethodEntry, input: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Releases (disposes) a clientDriven instance of the caller; throws BURROW_ERR_SERVICE_INSTANCE_NOT_FOUND when it is not theirs or not live. */
  release(ctx: RequestContext, service: string, instanceId: string): Promise<void>;
}
