import { fileURLToPath } from 'node:url';
import { createKernel, type KernelOptions } from 'burrowjs';
import { auth, prismaUsers, redisSessions, signed, type AdminSeed, type GroupOptions, type LockoutOptions, type SessionStore } from 'burrowjs/plugins/auth';
import { openapiDocs } from 'burrowjs/plugins/openapi-docs';
import { resources } from 'burrowjs/plugins/resources';
import { services } from 'burrowjs/plugins/services';
import { compression } from 'burrowjs/plugins/compression';
import { cors } from 'burrowjs/plugins/cors';
import { health } from 'burrowjs/plugins/health';
import { metrics } from 'burrowjs/plugins/metrics';
import { rateLimit } from 'burrowjs/plugins/rate-limit';
import { securityHeaders } from 'burrowjs/plugins/security-headers';
import { stats } from 'burrowjs/plugins/stats';
import { tracing } from 'burrowjs/plugins/tracing';
import { createPrismaClient, resolveDatabase, SCHEMAS, type Provider } from './db.js';
import { calculator } from './services/calculator.js';
import { cart } from './services/cart.js';
import { exampleErrors } from './services/errors.js';
import { importService } from './services/import.js';
import { report } from './services/report.js';

/** The example's contract file. */
export const CONTRACT = fileURLToPath(new URL('./openapi/api.yaml', import.meta.url));

/**
 * The groups of the example (a user's `role` is their group). `admin` may do
 * everything; `member` reads projects, tags and users, works on tasks (only their own:
 * the contract's `x-burrow-rights` owner rule), comments on them, and uses the services
 * (Calculator is public; Cart, Report and Import are granted here, with the release of
 * an Import instance the services plugin contributes).
 */
export const GROUPS: Record<'admin' | 'member', GroupOptions> = {
  admin: { rights: '*', sessionTimeout: 3600 },
  member: {
    sessionTimeout: 1800,
    rights: {
      operations: [
        ...['cartAddItem', 'cartView', 'cartClear'],
        ...['reportSummary', 'reportRefresh'],
        ...['importAddRows', 'importCommit', 'importDiscard', 'importReleaseInstance'],
      ],
      resources: {
        Task: ['read', 'create', 'update', 'delete'],
        Project: ['read'],
        Tag: ['read'],
        Comment: ['read', 'create'],
        User: ['read'],
      },
    },
  },
};

/** Options of {@link createExampleKernel}: the database, the auth stores, and any kernel option. */
export interface ExampleKernelOptions extends Partial<KernelOptions> {
  /**
   * The Prisma client to serve from (the example's generated client of `provider`).
   * Default: a client of the database `DATABASE_URL` names (see `db.ts`), as it is:
   * not migrated nor seeded (`prepareDatabase()` does that). The kernel disconnects
   * it when it closes.
   */
  prisma?: unknown;
  /** The provider of `prisma` (which Prisma schema it was generated from). Default: the provider of `DATABASE_URL`. */
  provider?: Provider;
  /**
   * A Redis URL for the sessions and the login lockout, shared by every instance and
   * kept across restarts. Default: `REDIS_URL`; unset, both live in this process's memory.
   */
  redis?: string;
  /** Where sessions live. Default: Redis at {@link redis} when set, else memory. */
  sessions?: SessionStore;
  /** Brute-force protection (5 failures lock an account for 15 minutes); shares {@link redis} unless this names its own. */
  lockout?: LockoutOptions;
  /** The admin account seeded on first start. Default: from `BURROW_ADMIN_USER` and `BURROW_ADMIN_PASSWORD`, none without them. */
  admin?: AdminSeed | false;
}

/**
 * Boots the example app's kernel: the contract, served by the resources plugin from the
 * Prisma models (no handler code) and by the services plugin (Calculator, Cart, Report,
 * Import in `services/`, over REST and JSON-RPC at `POST /rpc`), secured by the auth
 * plugin (users from the User model, groups `admin` and `member`), the `openapi-docs`
 * plugin, and the production plugins: security headers, CORS (`CORS_ORIGINS`), compression,
 * tracing (an OpenTelemetry SDK the app registers sees every request), health probes, the
 * contract's rate limits (in Redis with `REDIS_URL`), `/stat` for admins and `/metrics`. Tests call it with their own client and logger;
 * `server.ts` calls it to serve.
 */
export async function createExampleKernel(options: ExampleKernelOptions = {}) {
  const { prisma, provider, plugins = [], redis = process.env.REDIS_URL || undefined, sessions, lockout, admin, ...rest } = options;
  const database = prisma && provider ? undefined : resolveDatabase();
  const chosen = provider ?? database!.provider;
  const client = prisma ?? createPrismaClient(database!);
  const prefix = 'burrow-example:auth:';
  const origins = envList('CORS_ORIGINS');
  const trustProxy = envList('TRUST_PROXY');
  return createKernel({
    contract: CONTRACT,
    // Behind a proxy (TRUST_PROXY=loopback,10.0.0.0/8), X-Forwarded-For names the client of rate limits and statistics.
    ...(trustProxy.length ? { trustProxy } : {}),
    ...rest,
    plugins: [
      // Headers first, then CORS (it may answer a preflight), then what may refuse a request.
      // The example serves plain HTTP (on any address of the machine): no upgrade of Swagger
      // UI's requests to https. Behind TLS, leave the default policy whole.
      securityHeaders({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
      // Cross-origin calls are refused unless CORS_ORIGINS lists the pages' origins.
      cors(origins.length ? { origins, credentials: true } : {}),
      compression(),
      tracing(),
      health(),
      openapiDocs(),
      resources({ prisma: client, schema: SCHEMAS[chosen] }),
      auth({
        // basicAuth (http basic) and bearerAuth (http bearer: the login's opaque token) get their default kinds.
        schemes: { signedAuth: signed({ ...(process.env.BURROW_SIGNED_SECRET ? { secret: process.env.BURROW_SIGNED_SECRET } : {}) }) },
        users: prismaUsers({
          prisma: client as object,
          model: 'User',
          fields: { name: 'email', passwordHash: 'passwordHash', groups: 'role' },
          // The seeded admin's display name (a required column the store does not know): the email's local part.
          defaults: (user) => ({ name: user.name.split('@')[0] || user.name }),
        }),
        sessions: sessions ?? (redis ? redisSessions({ redis, prefix }) : undefined),
        lockout: { ...(redis ? { redis, prefix } : {}), ...lockout },
        groups: GROUPS,
        // Comments belong to a task: a member reads and writes those of their own tasks only.
        records: (_ctx, target, principal) =>
          target.resource?.model === 'Comment' && !principal.groups.includes('admin') ? [{ where: { task: { assigneeId: Number(principal.id) } } }] : undefined,
        ...(admin !== undefined ? { admin } : {}),
      }),
      // The services see the Prisma client as `context.prisma` (Report reads through it, Import writes).
      services({ services: [calculator, cart, report, importService], context: { prisma: client }, errors: [exampleErrors] }),
      // The limits are in the contract (x-burrow-rate-limit); counted in Redis when there is one.
      // The auth plugin's login is not in the contract: its own budget per address is given here
      // (the lockout still counts failures per user). The health probes are never counted.
      rateLimit({
        ...(redis ? { redis, keyPrefix: 'burrow-example:rl:' } : {}),
        operations: { authLogin: { points: 30, duration: '1m', key: 'ip', name: 'login' } },
      }),
      // GET /stat for admins (per user too); GET /metrics from this machine (METRICS_ALLOW adds addresses).
      stats({ security: [{ basicAuth: [] }, { bearerAuth: [] }], groups: ['admin'], perUser: true }),
      metrics({ allow: envList('METRICS_ALLOW') }),
      ...plugins,
    ],
  });
}

/** A comma-separated list of the environment (`CORS_ORIGINS=https://a.example,https://b.example`); empty when unset. */
function envList(name: string): string[] {
  return (process.env[name] ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}
