/**
 * The JSON-RPC 2.0 endpoint (https://www.jsonrpc.org/specification): every service
 * method callable as `Service.method` at one path, singly or in batches, each call
 * authorized and validated as the operation that declares it and run through the same
 * Dispatcher as its REST route. JSON-RPC errors are answered as JSON-RPC error objects
 * in a 200, never as problems.
 */
import type { Kernel, RawHandler, RequestContext } from 'burrowjs';
import type { Dispatcher } from './dispatch.js';
import { JSON_RPC_OPERATION_ID, jsonRpcFragment } from './json-rpc-contract.js';
import { errorResponse, runCall, RPC_CODES, type CallEnv, type RpcResponse } from './json-rpc-call.js';

export { JSON_RPC_OPERATION_ID } from './json-rpc-contract.js';

/** Options of the JSON-RPC endpoint. */
export interface JsonRpcOptions {
  /** Where the endpoint is served (`/rpc`). */
  path: string;
  /** The most calls one batch may hold; a larger batch is answered with one -32600 error. Default 100. */
  maxBatch?: number;
  /** The tag of the operation. Default `services`. */
  tag?: string;
  /**
   * The operation whose security and guards authorize `Service._free` (the REST route
   * that releases an instance, when there is one). Default: the service's first method's.
   */
  releaseOperationId?: (service: string) => string | undefined;
}

/** The default of {@link JsonRpcOptions.maxBatch}. */
export const DEFAULT_MAX_BATCH = 100;

/**
 * Contributes the endpoint (operation `burrowJsonRpc`, POST at `options.path`, schemas
 * `JsonRpcRequest`, `JsonRpcResponse`, `JsonRpcError`) and serves it. Called during the
 * services plugin's setup; `dispatcher` is asked on each request (it exists once booted).
 *
 * @example
 * registerJsonRpc(kernel, () => dispatcher, { path: '/rpc' });
 * // POST /rpc {"jsonrpc":"2.0","method":"Calculator.add","params":{"a":1,"b":2},"id":1}
 * // → 200 {"jsonrpc":"2.0","result":{"result":3},"id":1}
 */
export function registerJsonRpc(kernel: Kernel, dispatcher: () => Dispatcher, options: JsonRpcOptions): void {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  kernel.contract.add('services-json-rpc', jsonRpcFragment(options.path, kernel.version, options.tag ?? 'services'));
  kernel.handlers.add(JSON_RPC_OPERATION_ID, createJsonRpcHandler(kernel, dispatcher, maxBatch, options.releaseOperationId));
}

/** The handler of the endpoint. */
export function createJsonRpcHandler(kernel: Kernel, dispatcher: () => Dispatcher, maxBatch: number, releaseOperationId?: (service: string) => string | undefined): RawHandler {
  return async (ctx: RequestContext) => {
    const parsed = parseRequest(ctx.body);
    if (parsed === PARSE_ERROR) return answer(errorResponse(null, RPC_CODES.parseError, 'Parse error'));
    const env: CallEnv = { kernel, dispatcher: dispatcher(), releaseOperationId };
    if (!Array.isArray(parsed)) return answer(await runCall(env, ctx, parsed));
    // "an Array with at least one value": an empty one is a single error, not an empty batch.
    if (parsed.length === 0) return answer(errorResponse(null, RPC_CODES.invalidRequest, 'Invalid Request', { detail: 'a batch holds at least one request' }));
    if (parsed.length > maxBatch) {
      return answer(errorResponse(null, RPC_CODES.invalidRequest, 'Invalid Request: batch too large', { detail: `a batch holds at most ${maxBatch} requests; this one holds ${parsed.length}` }));
    }
    const responses = (await Promise.all(parsed.map((call) => runCall(env, ctx, call)))).filter((r): r is RpcResponse => r !== undefined);
    // "If there are no Response objects contained within the Response array ... the server MUST NOT return an empty Array".
    return responses.length ? { status: 200, body: responses } : { status: 204 };
  };
}

const PARSE_ERROR = Symbol('parse error');

/** The request as JSON: the body arrives as bytes (`x-burrow-raw-body`), or a string or a value a host parser made. */
function parseRequest(body: unknown): unknown {
  if (body === undefined) return PARSE_ERROR;
  if (!Buffer.isBuffer(body) && typeof body !== 'string') return body;
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
  } catch {
    return PARSE_ERROR;
  }
}

function answer(response: RpcResponse | undefined) {
  return response ? { status: 200, body: response } : { status: 204 };
}
