import Negotiator from 'negotiator';
import type { RequestContext } from './context.js';
import type { CompiledOperation } from './operation.js';
import { coreError } from '../errors/burrow-error.js';

/** Answers 406 when the `Accept` header allows none of the operation's response media types. */
export function checkAcceptable(ctx: RequestContext, op: CompiledOperation): void {
  const accept = ctx.headers.accept;
  if (!accept || accept === '*/*' || op.responseMediaTypes.length === 0) return;
  if (new Negotiator({ headers: { accept } }).mediaType(op.responseMediaTypes)) return;
  throw coreError('BURROW_ERR_REQUEST_NOT_ACCEPTABLE', { operationId: op.id, available: op.responseMediaTypes.join(', ') });
}
