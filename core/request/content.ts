import type { EngineOperation } from '../validation/engine.js';
import { admitsText, bodyKindOf, bySpecificity, contentTypeHeader, isBinarySchema, parseMediaType, type MediaRange, type SchemaLike } from './media-type.js';
import { compileFormPlan, type EncodingObject, type FormPlan } from './form-body.js';
import { compileMultipartPlan, type MultipartPlan } from './multipart.js';

/**
 * The marker of a Media Type Object whose body the handler reads itself (see
 * {@link BodyContent.raw}). Read by core, not bound by a plugin.
 */
export const RAW_BODY_EXTENSION = 'x-burrow-raw-body';

/** A Media Type Object as the dereferenced contract holds it. */
interface MediaTypeObject {
  schema?: SchemaLike;
  encoding?: Record<string, EncodingObject>;
  /** The handler reads the body itself: see {@link BodyContent.raw}. */
  'x-burrow-raw-body'?: boolean;
}

/** One content key of a request body, and how a body under it is read: worked out at boot. */
export interface BodyContent {
  /** The content key as the contract writes it (`application/json; charset=utf-8`). */
  readonly key: string;
  readonly range: MediaRange;
  /** Its schema describes bytes, or it is a range without a schema: the body is handed over as a Buffer. */
  readonly bytes: boolean;
  /**
   * The Media Type Object says `x-burrow-raw-body: true`: the body is handed over as its
   * bytes (a Buffer), neither parsed nor validated — its schema only documents it. For a
   * handler that answers malformed bodies in its own words (a JSON-RPC endpoint answers
   * invalid JSON with its -32700, not a 400 problem). Size limit and media type still apply.
   */
  readonly raw: boolean;
  /** A text body under it is checked against its schema (the schema describes a string). */
  readonly checksText: boolean;
  /** How a form body is read (`application/x-www-form-urlencoded` keys). */
  readonly form: FormPlan | undefined;
  /** How a multipart body is read (`multipart/form-data` keys). */
  readonly multipart: MultipartPlan | undefined;
}

/** The request body an operation declares. */
export interface BodySpec {
  readonly required: boolean;
  /** The content keys as the contract writes them, in its order (`Accept-Post`, the 415 detail). */
  readonly contentKeys: string[];
  /** The content keys most specific first: a body falls under the first that matches it. */
  readonly contents: BodyContent[];
  readonly byKey: ReadonlyMap<string, BodyContent>;
}

/** One content key of a response. */
export interface ResponseContent {
  readonly key: string;
  readonly range: MediaRange;
  /** The `Content-Type` sent for it when it is a media type (not a range). */
  readonly header: string;
  /** A string sent under it as text is checked against its schema (the schema describes a string). */
  readonly checksText: boolean;
}

/**
 * Works out the request body of an operation. A content key that does not parse as a
 * media range is left out (the contract check at boot reports it).
 */
export function compileBodySpec(op: EngineOperation): BodySpec | undefined {
  const requestBody = op.requestBody as { required?: boolean; content?: Record<string, MediaTypeObject> } | undefined;
  if (!requestBody?.content) return undefined;
  const contentKeys = Object.keys(requestBody.content);
  const contents: BodyContent[] = [];
  for (const key of contentKeys) {
    const range = parseMediaType(key);
    if (!range) continue;
    const media = requestBody.content[key] ?? {};
    const kind = bodyKindOf(range);
    const raw = media[RAW_BODY_EXTENSION] === true;
    contents.push({
      key,
      range,
      raw,
      bytes: raw || isBinarySchema(media.schema) || (media.schema === undefined && range.level < 2),
      // A JSON string is JSON: only text parsed from a text (or unknown) media type is spared a schema of another shape.
      checksText: !raw && (kind === 'json' || kind === 'form' || kind === 'multipart' || admitsText(media.schema)),
      form: kind === 'form' ? compileFormPlan(media.schema, media.encoding) : undefined,
      multipart: kind === 'multipart' ? compileMultipartPlan(media.schema, media.encoding) : undefined,
    });
  }
  const sorted = bySpecificity(contents);
  return { required: requestBody.required === true, contentKeys, contents: sorted, byKey: new Map(sorted.map((c) => [c.key, c])) };
}

/** The responses of an operation, worked out for negotiation and replies. */
export interface ResponseSpecs {
  /** Declared responses by status key (`200`, `4XX`, `default`) → their content keys, in the contract's order. */
  responses: Map<string, ResponseContent[]>;
  /** Every media type or range a response may have, problem+json aside (for `Accept`), as written. */
  responseMediaTypes: string[];
  responseRanges: MediaRange[];
}

/** Works out the responses of an operation; `isAdded` says which status keys are Burrow's own problems. */
export function compileResponseSpecs(op: EngineOperation, isAdded: (status: string) => boolean): ResponseSpecs {
  const responses = new Map<string, ResponseContent[]>();
  const mediaTypes = new Map<string, MediaRange>();
  for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, { content?: Record<string, MediaTypeObject> }>)) {
    // The 4XX/5XX problems Burrow adds describe its own errors, not what the handler may answer.
    if (isAdded(status)) continue;
    const contents: ResponseContent[] = [];
    for (const key of Object.keys(response?.content ?? {})) {
      const range = parseMediaType(key);
      if (!range) continue;
      contents.push({ key, range, header: contentTypeHeader(range), checksText: admitsText(response.content![key]?.schema) });
      if (range.essence !== 'application/problem+json' && !mediaTypes.has(key.toLowerCase())) mediaTypes.set(key.toLowerCase(), range);
    }
    responses.set(status, contents);
  }
  return { responses, responseMediaTypes: [...mediaTypes.keys()], responseRanges: [...mediaTypes.values()] };
}
