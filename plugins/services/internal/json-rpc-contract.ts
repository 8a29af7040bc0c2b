/**
 * The contract of the JSON-RPC 2.0 endpoint: one POST operation whose body is a request
 * object or a batch of them, answered 200 with a response object or a batch of them, or
 * 204 when every call was a notification.
 */
import type { ContractFragment } from 'burrowjs';

/** The operationId of the endpoint. */
export const JSON_RPC_OPERATION_ID = 'burrowJsonRpc';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The fragment the endpoint contributes at `path`, in the contract's dialect. */
export function jsonRpcFragment(path: string, version: '3.0' | '3.1', tag: string): ContractFragment {
  const oneOrMany = (name: string) => ({ oneOf: [ref(name), { type: 'array', minItems: 1, items: ref(name) }] });
  return {
    paths: {
      [path]: {
        post: {
          operationId: JSON_RPC_OPERATION_ID,
          tags: [tag],
          summary: 'Call service methods (JSON-RPC 2.0)',
          description:
            'A JSON-RPC 2.0 request (`method`: `Service.method`, `params`: the method\'s input by name) or a batch of them. ' +
            'Each call is authorized as the operation that declares its method, with that operation\'s security, and its params are ' +
            'validated against that operation\'s request body. Errors are JSON-RPC error objects in a 200 answer: -32700 parse error, ' +
            '-32600 invalid request, -32601 method not found, -32602 invalid params (`data`: the validation problem), -32603 internal ' +
            'error, -32000 any other problem (`data`: the problem, with its `code`). A clientDriven service\'s instance travels in the ' +
            '`instance` member; `Service._free` releases it.',
          security: [],
          requestBody: {
            required: false,
            // The endpoint parses the body itself: invalid JSON is answered -32700, not a 400 problem.
            content: { 'application/json': { schema: oneOrMany('JsonRpcRequest'), 'x-burrow-raw-body': true } },
          },
          responses: {
            '200': { description: 'The response, or the responses of a batch (in any order; none for notifications).', content: { 'application/json': { schema: oneOrMany('JsonRpcResponse') } } },
            '204': { description: 'Every call was a notification: there is nothing to answer.' },
          },
        },
      },
    },
    components: { schemas: schemas(version) },
    tags: [{ name: tag, description: 'Service methods: their REST operations, JSON-RPC, clientDriven instances.' }],
  };
}

function schemas(version: '3.0' | '3.1'): Record<string, unknown> {
  const idDescription = 'A string or a number chosen by the client, answered in the response; absent in a notification (no response).';
  const id = version === '3.1' ? { type: ['string', 'number', 'null'], description: idDescription } : { description: `${idDescription} (a string, a number or null)` };
  return {
    JsonRpcRequest: {
      type: 'object',
      required: ['jsonrpc', 'method'],
      properties: {
        jsonrpc: { type: 'string', enum: ['2.0'] },
        method: { type: 'string', description: '`Service.method` (`Calculator.add`), or `Service._free` to release a clientDriven instance.', example: 'Calculator.add' },
        params: { type: 'object', description: "The method's input: its operation's request body. By-position (array) params are answered -32602." },
        id,
        instance: { type: 'string', description: 'The clientDriven instance to call (answered in the response of the call that made it).' },
      },
    },
    JsonRpcResponse: {
      type: 'object',
      required: ['jsonrpc', 'id'],
      properties: {
        jsonrpc: { type: 'string', enum: ['2.0'] },
        result: { description: "The method's result: its operation's success body (null for a 204). Any JSON value." },
        error: ref('JsonRpcError'),
        id: { ...id, description: "The request's id; null when it could not be read (a parse error, an invalid request)." },
        instance: { type: 'string', description: 'The clientDriven instance the call ran on.' },
      },
    },
    JsonRpcError: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'integer', description: '-32700, -32600, -32601, -32602, -32603 as JSON-RPC 2.0 defines them; -32000 for any other problem.' },
        message: { type: 'string' },
        data: { description: 'For -32602 and -32000: the problem (RFC 9457) the REST operation would answer, with its `code`; for -32600, `{ detail }`. Any JSON value.' },
      },
    },
  };
}
