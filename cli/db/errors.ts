/** The error type of `burrowjs/db` and how adapter and engine errors become one-line messages. */
import type { ErrorRegistry } from '@prisma/driver-adapter-utils';

/**
 * A migration command failed: a bad URL, an unreachable database, a schema that does
 * not parse, a migration whose SQL failed... `message` is one line and never holds a
 * password. `migration` names the migration that failed, when one did.
 */
export class DbError extends Error {
  override readonly name = 'DbError';
  /** The migration that failed to apply, if the failure is one. */
  readonly migration?: string;

  constructor(message: string, options: { cause?: unknown; migration?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.migration) this.migration = options.migration;
  }
}

/** `url` with its password replaced by `***` (also inside text that is not a valid URL). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
      return parsed.href;
    }
    return url;
  } catch {
    return redactText(url);
  }
}

/** Replaces the password of every `scheme://user:password@` in `text` with `***`. */
export function redactText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, '$1***@');
}

/** What the driver adapters put in a `DriverAdapterError` (a subset of Prisma's `MappedError`). */
interface MappedError {
  kind: string;
  message?: string;
  code?: string | number;
  host?: string;
  port?: number;
  db?: string;
  user?: string;
  id?: number;
  cause?: string;
  reason?: string;
  originalMessage?: string;
}

/**
 * The text of an error from an adapter or from the engine, on one line:
 * `External error id#N` (a JavaScript error the adapter binder captured) is replaced
 * by the captured error's own message.
 */
export function errorText(error: unknown, registry?: ErrorRegistry): string {
  let text = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  if (registry) {
    text = text.replace(/External error id#(\d+)/g, (whole, id: string) => {
      const record = registry.consumeError(Number(id));
      return record ? errorText(record.error) : whole;
    });
  }
  const mapped = mappedErrorOf(error);
  if (mapped) text = mappedErrorText(mapped);
  return redactText(text);
}

function mappedErrorOf(error: unknown): MappedError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, cause } = error as { name?: unknown; cause?: unknown };
  if (name === 'DriverAdapterError' && typeof cause === 'object' && cause !== null && 'kind' in cause) return cause as MappedError;
  return undefined;
}

/** A readable text for an adapter's mapped error (with the driver's own message, when it has one). */
export function mappedErrorText(error: MappedError): string {
  const original = error.originalMessage;
  const withOriginal = (text: string) => (original && original !== text ? `${text}: ${original}` : text);
  switch (error.kind) {
    case 'DatabaseNotReachable':
      return withOriginal(`cannot reach the database server${error.host ? ` at ${error.host}${error.port ? `:${error.port}` : ''}` : ''}`);
    case 'DatabaseDoesNotExist':
      return `the database ${error.db ? `"${error.db}" ` : ''}does not exist`;
    case 'DatabaseAccessDenied':
      return withOriginal(`access denied to the database${error.db ? ` "${error.db}"` : ''}`);
    case 'AuthenticationFailed':
      return withOriginal(`authentication failed${error.user ? ` for user "${error.user}"` : ''}`);
    case 'TlsConnectionError':
      return withOriginal(`TLS connection error: ${error.reason ?? ''}`);
    default:
      return original ?? error.message ?? error.cause ?? error.kind;
  }
}

/** Collapses a multi-line engine message into one line. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
