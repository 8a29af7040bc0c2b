/**
 * Users in the application's database, through its PrismaClient: one model (`User`)
 * whose fields the options name. The id is handed out as text; groups may be one
 * value (a String or an enum: one group), a `String[]` (PostgreSQL lists) or a
 * comma-separated String. An unreachable database is a 503, decided by Prisma's
 * error codes, never by message text.
 */
import { isBurrowError } from 'burrowjs';
import { authErrors } from '../errors.js';
import type { UserRecord, UserStore } from '../types.js';

/** How the groups field holds groups: one value, a list (`String[]`), or `a,b` text. */
export type GroupsFormat = 'single' | 'list' | 'comma';

/** Options of {@link prismaUsers}. */
export interface PrismaUsersOptions {
  /** The application's PrismaClient (the store never connects or disconnects it). */
  prisma: object;
  /** The model. Default `User`. */
  model?: string;
  fields?: {
    /** Default `id` (Int, BigInt or String). */
    id?: string;
    /** The login name, unique. Default `email` when the model has it, else `name`. */
    name?: string;
    /** Default `passwordHash` (nullable: users without one cannot log in with a password). */
    passwordHash?: string;
    /** Default `role` when the model has it; `null`: no groups field (users have none). */
    groups?: string | null;
    /** A Boolean field: true refuses the user. Default: none. */
    disabled?: string;
  };
  /** Default: `single` for an enum field, else found out on the first `create` (`list` or `comma`). */
  groupsFormat?: GroupsFormat;
  /**
   * Other data for `create` (the seeded admin), for required fields the store does not
   * know: an object, or a function of the user being created.
   * @example defaults: (user) => ({ name: user.name.split('@')[0] })
   */
  defaults?: Record<string, unknown> | ((user: { name: string; groups: string[] }) => Record<string, unknown>);
}

interface Delegate {
  findFirst(args: unknown): Promise<Record<string, unknown> | null>;
  create(args: unknown): Promise<Record<string, unknown>>;
  count(args?: unknown): Promise<number>;
}

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
}

const STORE = 'user database';
/** Prisma's codes for a database that cannot be reached or stopped answering, and the socket errors under driver adapters. */
const UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/**
 * A {@link UserStore} on a model of the application's Prisma schema.
 *
 * @example
 * auth({ users: prismaUsers({ prisma, model: 'User', fields: { name: 'email', groups: 'role' },
 *                              defaults: (user) => ({ name: user.name }) }) })
 */
export function prismaUsers(options: PrismaUsersOptions): UserStore {
  const model = options.model ?? 'User';
  const delegateName = model.charAt(0).toLowerCase() + model.slice(1);
  const delegate = (options.prisma as Record<string, unknown> | undefined)?.[delegateName] as Delegate | undefined;
  if (typeof delegate?.findFirst !== 'function') throw new TypeError(`prismaUsers: the Prisma client has no model "${model}" (prisma.${delegateName})`);

  const known = runtimeFields(options.prisma, model);
  const has = (field: string) => known?.some((f) => f.name === field) ?? true;
  const fields = {
    id: options.fields?.id ?? 'id',
    name: options.fields?.name ?? (known && has('email') ? 'email' : 'name'),
    passwordHash: options.fields?.passwordHash ?? 'passwordHash',
    groups: options.fields?.groups === undefined ? (has('role') ? 'role' : null) : options.fields.groups,
    disabled: options.fields?.disabled,
  };
  const missing = Object.values(fields).filter((field): field is string => typeof field === 'string' && !has(field));
  if (missing.length) {
    throw new TypeError(`prismaUsers: model "${model}" has no field ${missing.join(', ')} (it has ${known!.map((f) => f.name).join(', ')})`);
  }
  const idType = known?.find((f) => f.name === fields.id)?.type ?? 'String';
  const groupsField = fields.groups ? known?.find((f) => f.name === fields.groups) : undefined;
  let format: Promise<GroupsFormat> | undefined = options.groupsFormat ? Promise.resolve(options.groupsFormat) : groupsField?.kind === 'enum' ? Promise.resolve('single') : undefined;

  const select = Object.fromEntries(Object.values(fields).filter((f): f is string => typeof f === 'string').map((f) => [f, true]));
  const toRecord = (row: Record<string, unknown> | null): UserRecord | undefined => {
    if (!row) return undefined;
    const hash = row[fields.passwordHash];
    return {
      id: String(row[fields.id]),
      name: String(row[fields.name]),
      passwordHash: typeof hash === 'string' && hash ? hash : null,
      groups: fields.groups ? groupsOf(row[fields.groups]) : [],
      ...(fields.disabled && row[fields.disabled] === true ? { disabled: true } : {}),
    };
  };

  // A `has` filter is valid on list fields only: Prisma refuses it, before any query, on a scalar.
  const groupsFormat = () =>
    (format ??= delegate.findFirst({ where: { [fields.groups!]: { has: '' } }, select: { [fields.id]: true } }).then(
      () => 'list' as const,
      (error: unknown) => {
        if ((error as { name?: string } | null)?.name === 'PrismaClientValidationError') return 'comma' as const;
        format = undefined;
        throw error;
      },
    ));

  return {
    findByName: (name) => guard(async () => (typeof name === 'string' && name ? toRecord(await delegate.findFirst({ where: { [fields.name]: name }, select })) : undefined)),
    findById: (id) =>
      guard(async () => {
        const key = idValue(idType, id);
        return key === undefined ? undefined : toRecord(await delegate.findFirst({ where: { [fields.id]: key }, select }));
      }),
    create: (user) =>
      guard(async () => {
        const extra = typeof options.defaults === 'function' ? options.defaults({ name: user.name, groups: [...user.groups] }) : options.defaults;
        const data: Record<string, unknown> = { ...extra, [fields.name]: user.name, [fields.passwordHash]: user.passwordHash };
        if (fields.groups && user.groups.length) {
          const kind = await groupsFormat();
          data[fields.groups] = kind === 'list' ? [...user.groups] : kind === 'single' ? user.groups[0] : user.groups.join(',');
        }
        return toRecord(await delegate.create({ data, select }))!;
      }),
    count: () => guard(() => delegate.count()),
  };
}

/** Groups from the field's value: a list, one value, or `a, b` text. */
function groupsOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => String(item).trim()).filter(Boolean);
}

/** The id as the column's type, or undefined when the text cannot be one (never a query that throws). */
function idValue(type: string, text: string): string | number | bigint | undefined {
  if (typeof text !== 'string' || !text) return undefined;
  if (type === 'Int') {
    if (!/^-?\d{1,10}$/.test(text)) return undefined;
    const n = Number(text);
    return n >= INT32.min && n <= INT32.max ? n : undefined;
  }
  if (type === 'BigInt') {
    if (!/^-?\d{1,19}$/.test(text)) return undefined;
    const n = BigInt(text);
    return n >= INT64.min && n <= INT64.max ? n : undefined;
  }
  return text;
}

/** The fields of `model` from the client's runtime data model, when the client exposes it. */
function runtimeFields(prisma: object, model: string): RuntimeField[] | undefined {
  const data = (prisma as { _runtimeDataModel?: { models?: Record<string, { fields?: RuntimeField[] }> } })._runtimeDataModel;
  return data?.models?.[model]?.fields;
}

/** Runs a Prisma call; an unreachable database becomes BURROW_ERR_AUTH_STORE_UNAVAILABLE. */
async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isBurrowError(error) && unreachable(error)) {
      throw authErrors.create('BURROW_ERR_AUTH_STORE_UNAVAILABLE', { store: STORE }, { cause: error, headers: { 'retry-after': '5' } });
    }
    throw error;
  }
}

function unreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code, errorCode } = e as { name?: unknown; code?: unknown; errorCode?: unknown };
    if (name === 'PrismaClientInitializationError') return true;
    if ((typeof code === 'string' && UNREACHABLE.has(code)) || (typeof errorCode === 'string' && UNREACHABLE.has(errorCode))) return true;
  }
  return false;
}
