/**
 * One JSON-RPC 2.0 call: the request object checked as the specification says, the
 * method found, the call authorized and its params validated as its own operation's
 * would be, then run through the Dispatcher; every failure becomes an error object.
 */
import { coreError, isBurrowError, toProblem, validateBody, type BurrowError, type Kernel, type RequestContext } from 'burrowjs';
import type { Dispatcher, InvokeOptions, ServiceMethodEntry } from './dispatch.js';

/** The error codes JSON-RPC 2.0 defines, and the one Burrow uses for every other problem. */
export const RPC_CODES = { parseError: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, internalError: -32603, serverError: -32000 } as const;

/** An id as a request may carry it. */
export type RpcId = string | number | null;

/** A JSON-RPC 2.0 error object. */
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** A JSON-RPC 2.0 response object; `instance` is Burrow's extension member (clientDriven). */
export interface RpcResponse {
  jsonrpc: '2.0';
  result?: unknown;
  error?: RpcError;
  id: RpcId;
  instance?: string;
}

/** What a call needs from the endpoint. */
export interface CallEnv {
  kernel: Kernel;
  dispatcher: Dispatcher;
  /** The operation whose security `Service._free` is authorized with (default: the service's first method's). */
  releaseOperationId?: (service: string) => string | undefined;
}

/** A failure answered as its own error object (not a problem). */
class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** A response carrying an error. */
export function errorResponse(id: RpcId, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', error: data === undefined ? { code, message } : { code, message, data }, id };
}

const FREE = '._free';

/**
 * Runs one element of the request (or the request itself). Answers its response, or
 * `undefined` for a notification (a valid request without `id`), whatever happened.
 */
export async function runCall(env: CallEnv, ctx: RequestContext, request: unknown): Promise<RpcResponse | undefined> {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return errorResponse(null, RPC_CODES.invalidRequest, 'Invalid Request');
  const call = request as Record<string, unknown>;
  const hasId = Object.hasOwn(call, 'id');
  const { id, jsonrpc, method, params, instance } = call;
  // An id of another type cannot be answered as it was sent: "it MUST be Null".
  if (hasId && id !== null && typeof id !== 'string' && typeof id !== 'number') return errorResponse(null, RPC_CODES.invalidRequest, 'Invalid Request', { detail: '`id` must be a string, a number or null' });
  const answerId = hasId ? (id as RpcId) : null;
  const invalid = invalidMember(jsonrpc, method, params, instance);
  if (invalid) return errorResponse(answerId, RPC_CODES.invalidRequest, 'Invalid Request', { detail: invalid });

  const callCtx = callContext(ctx);
  try {
    const answer = (method as string).endsWith(FREE)
      ? await release(env, callCtx, (method as string).slice(0, -FREE.length), instance as string | undefined)
      : await invoke(env, callCtx, method as string, params, instance as string | undefined);
    if (!hasId) return undefined;
    const response: RpcResponse = { jsonrpc: '2.0', result: answer.result ?? null, id: answerId };
    if (answer.instanceId !== undefined) response.instance = answer.instanceId;
    return response;
  } catch (thrown) {
    const error = toRpcError(env, ctx, thrown, method as string);
    return hasId ? { jsonrpc: '2.0', error, id: answerId } : undefined;
  }
}

/** Why a request object is not a valid Request, or undefined. */
function invalidMember(jsonrpc: unknown, method: unknown, params: unknown, instance: unknown): string | undefined {
  if (jsonrpc !== '2.0') return '`jsonrpc` must be exactly "2.0"';
  if (typeof method !== 'string') return '`method` must be a string';
  if (params !== undefined && (params === null || typeof params !== 'object')) return '`params` must be an object or an array';
  if (instance !== undefined && typeof instance !== 'string') return '`instance` must be a string';
  return undefined;
}

const JSON_RPC: InvokeOptions = { transport: 'jsonrpc' };

async function invoke(env: CallEnv, ctx: RequestContext, method: string, params: unknown, instance: string | undefined) {
  const entry = env.dispatcher.methods.get(method);
  if (!entry) throw new RpcFailure(RPC_CODES.methodNotFound, 'Method not found');
  if (Array.isArray(params)) throw new RpcFailure(RPC_CODES.invalidParams, 'Invalid params: service methods take their params by name (an object), not by position (an array)');
  const op = enter(env, ctx, entry.operationId);
  await env.kernel.authorize(ctx, entry.operationId);
  const input = checkInput(entry, op, params);
  return env.dispatcher.invoke(ctx, entry, input, instance === undefined ? JSON_RPC : { instanceId: instance, transport: 'jsonrpc' });
}

/** `Service._free`: releases the caller's clientDriven instance named by `instance`. */
async function release(env: CallEnv, ctx: RequestContext, service: string, instance: string | undefined): Promise<{ result: null; instanceId?: undefined }> {
  const first = [...env.dispatcher.methods.values()].find((entry) => entry.service === service);
  // Only a clientDriven service has instances to release.
  if (!first || first.lifetime !== 'clientDriven') throw new RpcFailure(RPC_CODES.methodNotFound, 'Method not found');
  if (instance === undefined) throw new RpcFailure(RPC_CODES.invalidParams, `Invalid params: ${service}._free releases the instance named by the \`instance\` member`);
  const operationId = env.releaseOperationId?.(service) ?? first.operationId;
  enter(env, ctx, operationId);
  await env.kernel.authorize(ctx, operationId);
  await env.dispatcher.release(ctx, service, instance);
  return { result: null };
}

/** Points the call's context at the operation it runs as (for guards, hooks and logs that read `ctx.operation`). */
function enter(env: CallEnv, ctx: RequestContext, operationId: string) {
  const op = env.kernel.operations.get(operationId);
  if (!op) throw new Error(`JSON-RPC: operation ${operationId} is not compiled`);
  ctx.operation = op;
  return op;
}

/** The method's input, validated (coerced, defaults applied) as its REST operation's body would be. */
function checkInput(entry: ServiceMethodEntry, op: NonNullable<ReturnType<Kernel['operations']['get']>>, params: unknown): unknown {
  if (!entry.hasInput) {
    // `params: {}` says nothing: accepted for a method without input (clients that always send params).
    if (params !== undefined && Object.keys(params as object).length > 0) {
      throw new RpcFailure(RPC_CODES.invalidParams, `Invalid params: ${entry.service}.${entry.method} takes no params`);
    }
    return undefined;
  }
  const { body, issues } = validateBody(op, params);
  if (issues.length) throw coreError('BURROW_ERR_REQUEST_VALIDATION', { operationId: op.id, count: issues.length }, { errors: [...issues] });
  return body;
}

/** The error object of a failure: ours as they are, problems as -32602/-32000, anything else as -32603 (logged, never shown). */
function toRpcError(env: CallEnv, ctx: RequestContext, thrown: unknown, method: string): RpcError {
  if (thrown instanceof RpcFailure) return thrown.data === undefined ? { code: thrown.code, message: thrown.message } : { code: thrown.code, message: thrown.message, data: thrown.data };
  if (isBurrowError(thrown)) {
    const error = thrown as BurrowError;
    const data = toProblem(error, ctx.instance, ctx.id, catalogBase(env.kernel, ctx));
    if (error.code === 'BURROW_ERR_REQUEST_VALIDATION') return { code: RPC_CODES.invalidParams, message: 'Invalid params', data };
    return { code: RPC_CODES.serverError, message: error.title, data };
  }
  ctx.log.error('JSON-RPC call failed', { method, error: thrown instanceof Error ? { name: thrown.name, message: thrown.message, stack: thrown.stack } : String(thrown) });
  return { code: RPC_CODES.internalError, message: 'Internal error' };
}

/**
 * Where a problem's `type` points, as on REST: the error catalogue the kernel serves
 * (operation `burrowErrorCatalog`), under the path the kernel is mounted at. (An absolute
 * `errorCatalog.typeBase` is not visible to plugins: the catalogue's own path is used.)
 */
function catalogBase(kernel: Kernel, ctx: RequestContext): string | undefined {
  const catalog = kernel.operations.get('burrowErrorCatalog');
  return catalog ? ctx.mountPath + catalog.path : undefined;
}

/**
 * The context of one call: the request's, except for what authorizing and running a
 * call sets — `principal`, `auth`, `operation` — which are the call's own, so calls of
 * one batch run concurrently without seeing each other's principal (a call of an
 * operation without security must not run as the principal another call's scheme set).
 */
function callContext(ctx: RequestContext): RequestContext {
  const own: Record<'principal' | 'auth' | 'operation', unknown> = { principal: ctx.principal, auth: ctx.auth, operation: ctx.operation };
  return new Proxy(ctx, {
    get(target, key) {
      if (key === 'principal' || key === 'auth' || key === 'operation') return own[key];
      if (key === 'operationId') return (own.operation as { id?: string } | undefined)?.id;
      // Getters and methods run on the request's context itself (its private fields live there).
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(target, key, value) {
      if (key === 'principal' || key === 'auth' || key === 'operation') own[key] = value;
      else Reflect.set(target, key, value, target);
      return true;
    },
  });
}
