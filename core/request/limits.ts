import type { ExtensionBinder } from '../plugin/extensions.js';

/** The handler timeout of an operation, in ms (on the operation, or at the root as the default of every operation). */
export const TIMEOUT_EXTENSION = 'x-burrow-timeout';
/** The largest request body an operation accepts (on the operation, or at the root). */
export const BODY_LIMIT_EXTENSION = 'x-burrow-body-limit';

/** setTimeout's limit: a longer delay fires after 1 ms (Node warns TimeoutOverflowWarning). */
export const MAX_TIMER = 2_147_483_647;

/** `512kb`, `10 MB`, `1.5mb`, `2048b`, `100`: a number of bytes, kb/mb/gb (1024-based, as the `bytes` package), case-insensitive. */
const BYTE_SIZE = /^([0-9]+(?:\.[0-9]+)?) ?([kmg]?b)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * The number of bytes a body limit names: a positive integer as is, or a string such as
 * `"512kb"` or `"10mb"` (1024-based, fractions rounded down). `undefined` when it is
 * neither, or names less than one byte.
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = BYTE_SIZE.exec(value);
  if (!match) return undefined;
  const bytes = Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}

/** The handler timeout an extension value names, or `undefined` if it is not one. */
export function parseTimeout(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_TIMER ? value : undefined;
}

/**
 * The JSON Schemas of the extensions the kernel itself reads (no plugin binds them).
 * `openapi/README.md`'s extension table documents them; `burrow lint` checks their values.
 */
export const CORE_EXTENSION_SCHEMAS: Readonly<Record<string, object>> = {
  [TIMEOUT_EXTENSION]: { type: 'integer', minimum: 1, maximum: MAX_TIMER },
  [BODY_LIMIT_EXTENSION]: {
    oneOf: [
      { type: 'integer', minimum: 1 },
      { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)? ?([kKmMgG]?[bB])?$' },
    ],
  },
};

const PARSERS: Record<string, (value: unknown) => number | undefined> = {
  [TIMEOUT_EXTENSION]: parseTimeout,
  [BODY_LIMIT_EXTENSION]: parseByteSize,
};

/**
 * The problem with a value of a core extension that its schema lets through (a body
 * limit of `"0kb"`), or one on a path item (the kernel reads them on the root and on
 * operations only); `undefined` when the use is fine. `pointer` is the JSON pointer of the use.
 */
export function coreExtensionProblem(name: string, value: unknown, pointer: string, onPathItem: boolean): string | undefined {
  if (onPathItem) return `#${pointer}: ${name} is read on an operation or at the root of the document, not on a path item`;
  if (PARSERS[name]!(value) === undefined) return `#${pointer}: ${name} ${JSON.stringify(value)} is not a ${name === TIMEOUT_EXTENSION ? `number of ms within 1..${MAX_TIMER}` : 'size of at least one byte'}`;
  return undefined;
}

/** A path item's pointer: `/paths/<path>` with nothing after. */
const PATH_ITEM = /^\/paths\/[^/]+\/[^/]+$/;

/**
 * The binders of the core's own extensions, registered by the kernel (owner `burrow`)
 * before any plugin: their values are checked at boot like a plugin's (a bad one is a
 * boot problem naming its pointer), and the pipeline reads them from each compiled
 * operation (`op.timeout`, `op.bodyLimit`).
 */
export function coreExtensionBinders(): [string, ExtensionBinder][] {
  return Object.entries(CORE_EXTENSION_SCHEMAS).map(([name, schema]) => [
    name,
    {
      schema,
      bind: ({ value, pointer }) => {
        const problem = coreExtensionProblem(name, value, pointer, PATH_ITEM.test(pointer));
        return problem ? { problems: [problem] } : undefined;
      },
    },
  ]);
}
