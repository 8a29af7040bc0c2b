import busboy, { type Busboy } from 'busboy';
import { PassThrough, type Readable } from 'node:stream';
import type { RequestContext } from './context.js';
import type { BodySink } from './body.js';
import { coreError, type BurrowError } from '../errors/burrow-error.js';
import { bodyKindOf, hasType, isBinarySchema, isJsonMediaType, parseMediaType, rangeMatches, type MediaRange, type SchemaLike } from './media-type.js';
import { parseJsonField, propertiesOf, type EncodingObject } from './form-body.js';

/** How `multipart/form-data` bodies are read (the `multipart` kernel option). */
export interface MultipartOptions {
  /** Largest multipart body in bytes (413 beyond). Default: `bodyLimit`. */
  limit?: number;
  /** Largest single part, a file or a field, in bytes (413 beyond). Default: the multipart `limit`. */
  partLimit?: number;
  /** Most parts in one body (413 beyond). Default: 100. */
  parts?: number;
  /**
   * How file parts reach the handler: `buffer` (default) reads each into a `Buffer`
   * before the handler runs; `stream` hands the handler a `Readable` as soon as the file
   * part starts, once the parts before it are read and validated. Streamed, a body may
   * hold one file part, after every other part.
   */
  files?: 'buffer' | 'stream';
}

export type ResolvedMultipartOptions = Required<MultipartOptions>;

/** What the handler learns about each file part of a multipart body (`ctx.files`), in the order they arrived. */
export interface UploadedFile {
  /** The part's name: the property of the body that holds its bytes. */
  name: string;
  /** The `filename` of its Content-Disposition, if any (without any path). */
  filename: string | undefined;
  /** Its `Content-Type` (lower case, without parameters; `application/octet-stream` when it gave none). */
  mimeType: string;
  /** Its size in bytes; `undefined` while streamed. */
  size: number | undefined;
}

/** How one property of a multipart body is read. */
interface PartPlan {
  /** Bytes (`format: binary`, 3.1 `contentMediaType`): handed over as a Buffer (or stream), validated as present. */
  binary: boolean;
  /** The schema declares an array: every part of this name is one item. */
  array: boolean;
  /** Its encoding is JSON (declared, or the default for objects): the part is parsed. */
  json: boolean;
  /** The media types `encoding.contentType` allows, when it names some (without their parameters: a part's are not compared). */
  accept: MediaRange[] | undefined;
  acceptText: string | undefined;
}

/** How the multipart body of one content key is read, worked out once per operation at boot. */
export interface MultipartPlan {
  readonly parts: ReadonlyMap<string, PartPlan>;
}

/**
 * Works out how each property of a multipart schema is read. The defaults are the
 * specification's ("If the property is a primitive, or an array of primitive values,
 * the default Content-Type is `text/plain`; If the property is complex, or an array of
 * complex values, the default Content-Type is `application/json`"); `encoding.contentType`
 * overrides them and is checked against each part.
 */
export function compileMultipartPlan(schema: SchemaLike | undefined, encoding: Record<string, EncodingObject> = {}): MultipartPlan {
  const parts = new Map<string, PartPlan>();
  for (const [name, property] of Object.entries(propertiesOf(schema))) {
    const array = hasType(property, 'array');
    const item = array ? property.items : property;
    const declared = encoding[name]?.contentType;
    const accept = declared
      ?.split(',')
      .map((text) => parseMediaType(text))
      .filter((range): range is MediaRange => range !== undefined)
      .map((range) => ({ ...range, params: {}, paramCount: 0 }));
    const complex = hasType(item, 'object') || hasType(item, 'array') || (!!item?.properties && item.type === undefined);
    const json = accept?.length ? accept.every((range) => bodyKindOf(range) === 'json') : complex;
    parts.set(name, { binary: isBinarySchema(item), array, json, accept: accept?.length ? accept : undefined, acceptText: declared });
  }
  return { parts };
}

/**
 * The schema a multipart body is validated against: a binary property (or array item)
 * only has to be there — its bytes are not a JSON string, and `required`, `minItems`
 * and `maxItems` still apply.
 */
export function multipartSchemaView(schema: SchemaLike): SchemaLike {
  let changed = false;
  const view = (node: SchemaLike): SchemaLike => {
    if (!node || typeof node !== 'object') return node;
    let properties: Record<string, SchemaLike> | undefined;
    for (const [name, property] of Object.entries(node.properties ?? {})) {
      let replacement: SchemaLike | undefined;
      if (isBinarySchema(property)) replacement = {};
      else if (hasType(property, 'array') && isBinarySchema(property.items)) replacement = { ...property, items: {} };
      if (replacement) (properties ??= { ...node.properties })[name] = replacement;
    }
    const allOf = node.allOf?.map(view);
    const allOfChanged = allOf?.some((part, i) => part !== node.allOf![i]);
    if (!properties && !allOfChanged) return node;
    changed = true;
    return { ...node, ...(properties && { properties }), ...(allOfChanged && { allOf }) };
  };
  const result = view(schema);
  return changed ? result : schema;
}

/** Reads one multipart body: the sink the body's bytes are written to, and the body it becomes. */
export interface MultipartReader {
  readonly sink: BodySink;
  /** The body: once all of it is read (buffers), or up to the first file part (stream). */
  body(collected: Promise<unknown>): Promise<Record<string, unknown>>;
}

const NO_PLAN: MultipartPlan = { parts: new Map() };

/**
 * Parses a `multipart/form-data` body with busboy as it arrives, never holding more than
 * the limits: each part up to `partLimit`, at most `parts` parts. Text parts become
 * strings (JSON parts values), file parts Buffers or one stream; parts of an array
 * property are collected into a list. `fail` stops the collection of the body: the rest
 * is drained and the error answered once it has arrived.
 */
export function createMultipartReader(
  ctx: RequestContext,
  plan: MultipartPlan | undefined,
  options: ResolvedMultipartOptions,
  fail: (error: BurrowError) => boolean,
): MultipartReader {
  const parts = plan ?? NO_PLAN;
  let parser: Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      defParamCharset: 'utf8',
      // One more byte and one more part than allowed: busboy flags a part that reaches its limit, and
      // skips parts past its count; so a part of exactly partLimit bytes passes, and the one part too many is refused.
      limits: { fieldSize: options.partLimit + 1, fileSize: options.partLimit + 1, parts: options.parts + 1 },
    });
  } catch (error) {
    throw malformed(error);
  }
  const values = new Map<string, unknown[]>();
  const files: UploadedFile[] = [];
  let count = 0;
  let failure: BurrowError | undefined;
  let streamed: { name: string; out: PassThrough } | undefined;
  let settled = false;
  let resolveClosed!: (body: Record<string, unknown>) => void;
  let rejectClosed!: (error: BurrowError) => void;
  const closed = new Promise<Record<string, unknown>>((resolve, reject) => ((resolveClosed = resolve), (rejectClosed = reject)));
  closed.catch(() => undefined);
  let handOver: ((body: Record<string, unknown>) => void) | undefined;

  const settle = () => {
    if (settled) return;
    settled = true;
    if (failure) rejectClosed(failure);
    else {
      streamed?.out.end();
      resolveClosed(assemble());
    }
  };
  const failWith = (error: BurrowError) => {
    if (failure) return;
    failure = error;
    streamed?.out.destroy(error);
    // The collection is over (the error came from the last bytes): answer now.
    if (!fail(error)) settle();
    stop();
  };
  // Not from inside one of busboy's own events: it still holds the part it is emitting.
  const stop = () => process.nextTick(() => parser.destroy());
  const add = (name: string, value: unknown) => {
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  };
  const assemble = (): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    for (const [name, list] of values) {
      const value = parts.parts.get(name)?.array || list.length > 1 ? list : list[0];
      Object.defineProperty(body, name, { value, enumerable: true, writable: true, configurable: true });
    }
    ctx.files = files;
    return body;
  };
  /** Checks a new part; returns its plan, or `null` when the part is refused. */
  const admit = (name: string, mimeType: string): PartPlan | undefined | null => {
    if (failure) return null;
    if (++count > options.parts) {
      failWith(coreError('BURROW_ERR_REQUEST_TOO_MANY_PARTS', { limit: options.parts }));
      return null;
    }
    if (streamed) {
      failWith(coreError('BURROW_ERR_REQUEST_PART_ORDER', { part: name, file: streamed.name }));
      return null;
    }
    const part = parts.parts.get(name);
    if (part?.accept) {
      const type = parseMediaType(mimeType);
      if (!type || !part.accept.some((range) => rangeMatches(range, type))) {
        failWith(coreError('BURROW_ERR_REQUEST_PART_UNSUPPORTED_MEDIA_TYPE', { part: name, mediaType: mimeType, accepted: part.acceptText! }));
        return null;
      }
    }
    return part;
  };
  const valueOf = (name: string, part: PartPlan | undefined, raw: string | Buffer, mimeType: string): unknown => {
    if (part?.binary) return typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    // A part without a Content-Type is text/plain (RFC 7578 §4.4): JSON by the property's default encoding.
    if (part?.json && (isJsonMediaType(mimeType) || mimeType === 'text/plain')) return parseJsonField(name, text);
    return text;
  };

  parser.on('field', (name, value, info) => {
    if (name === undefined) return;
    const part = admit(name, info.mimeType);
    if (part === null) return;
    if (info.valueTruncated) return failWith(coreError('BURROW_ERR_REQUEST_PART_TOO_LARGE', { part: name, limit: options.partLimit }));
    try {
      add(name, valueOf(name, part, value, info.mimeType));
    } catch (error) {
      failWith(error as BurrowError);
    }
  });
  parser.on('file', (name, file, info) => {
    // Every file stream is read or drained, or busboy stalls.
    file.on('error', () => undefined);
    const part = name === undefined ? null : admit(name, info.mimeType);
    if (part === null) {
      file.resume();
      return;
    }
    file.on('limit', () => failWith(coreError('BURROW_ERR_REQUEST_PART_TOO_LARGE', { part: name, limit: options.partLimit })));
    const upload: UploadedFile = { name, filename: info.filename, mimeType: info.mimeType, size: undefined };
    files.push(upload);
    if (options.files === 'stream' && handOver && part?.binary) {
      const out = new PassThrough();
      // A handler that never reads the stream must not turn its failure into an uncaught error.
      out.on('error', () => undefined);
      streamed = { name, out };
      // The stream ends only once the whole body has arrived and nothing followed the file.
      file.pipe(out, { end: false });
      add(name, out);
      const body = assemble();
      handOver(body);
      ctx.res.once('close', () => {
        // The response went out before the upload was read to its end: drain the rest.
        if (!settled) failWith(coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE', {}));
      });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    file.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    file.on('end', () => {
      if (failure || (file as Readable & { truncated?: boolean }).truncated) return;
      upload.size = size;
      try {
        add(name, valueOf(name, part, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), info.mimeType));
      } catch (error) {
        failWith(error as BurrowError);
      }
    });
  });
  parser.on('error', (error: Error) => failWith(malformed(error)));
  parser.on('close', settle);

  const sink: BodySink = {
    write: (chunk) => parser.write(chunk),
    onDrain: (resume) => void parser.once('drain', resume),
    end: () => void parser.end(),
    abort(error) {
      failure ??= error;
      streamed?.out.destroy(error);
      if (!settled) {
        settled = true;
        rejectClosed(error);
      }
      stop();
    },
  };

  return {
    sink,
    body(collected) {
      if (options.files !== 'stream') return collected.then(() => closed);
      return new Promise((resolve, reject) => {
        let handedOver = false;
        handOver = (body) => {
          handedOver = true;
          resolve(body);
        };
        closed.then(resolve, (error) => !handedOver && reject(error));
        // Past the hand-over, a failure reaches the handler through its stream.
        collected.catch((error) => !handedOver && reject(error));
      });
    },
  };
}

function malformed(error: unknown): BurrowError {
  return coreError('BURROW_ERR_REQUEST_MALFORMED_BODY', { format: 'multipart/form-data', reason: error instanceof Error ? error.message : String(error) }, { cause: error });
}
