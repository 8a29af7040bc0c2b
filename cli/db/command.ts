/** `burrow db`: create, apply and check Prisma migrations with the wasm schema engine. */
import path from 'node:path';
import { EXIT, parseCommandArgs, UsageError, type Command, type Output } from '../command.js';
import { DbError, migrateDeploy, migrateDev, migrateResolve, migrateStatus, type DbOptions, type MigrateStatusResult } from './index.js';
import { defaultSchema } from './schema.js';
import { generateClient } from './generate.js';

const SUBCOMMANDS = ['migrate', 'deploy', 'status', 'resolve', 'generate'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const OPTIONS = {
  schema: { type: 'string' },
  url: { type: 'string' },
  migrations: { type: 'string' },
  name: { type: 'string', short: 'n' },
  'create-only': { type: 'boolean' },
  'accept-data-loss': { type: 'boolean' },
  drift: { type: 'boolean' },
  applied: { type: 'string' },
  'rolled-back': { type: 'string' },
} as const;

/** The options each subcommand takes besides --schema, --url and --migrations. */
const OWN_OPTIONS: Record<Subcommand, (keyof typeof OPTIONS)[]> = {
  migrate: ['name', 'create-only', 'accept-data-loss'],
  deploy: [],
  status: ['drift'],
  resolve: ['applied', 'rolled-back'],
  generate: [],
};

export const dbCommand: Command = {
  name: 'db',
  help: `Usage: burrow db <migrate|deploy|status|resolve|generate> [options]

Prisma migrations without Prisma's native schema engine: Prisma's schema engine
compiled to WebAssembly runs through the app's driver adapter (@prisma/adapter-libsql
for file: URLs, @prisma/adapter-pg for PostgreSQL). The folder layout
(<migrations>/<timestamp>_<name>/migration.sql, migration_lock.toml) and the
_prisma_migrations table are Prisma's own: \`prisma migrate\` works on them too.

Commands:
  migrate   apply the pending migrations, then create a migration for the schema's
            changes (checked on a shadow database) and apply it (prisma migrate dev)
  deploy    apply the pending migrations (prisma migrate deploy); creates the
            SQLite file or the PostgreSQL database if missing
  status    list the applied, pending and failed migrations (prisma migrate status)
  resolve   record a failed migration as rolled back or applied, once the database
            is fixed (prisma migrate resolve)
  generate  run your project's \`prisma generate\` where Prisma cannot download its
            native schema engine (a stand-in engine makes it skip the download)

Options:
  --schema <path>         the Prisma schema (default: prisma/schema.prisma)
  --url <url>             the database URL (default: $DATABASE_URL); a relative
                          file: path is resolved from the schema's folder
  --migrations <dir>      the migrations folder (default: <schema folder>/migrations)
  -n, --name <name>       migrate: the name of the new migration (needed if there are changes)
  --create-only           migrate: write the new migration without applying it
  --accept-data-loss      migrate: apply a migration the engine warns may lose data
  --drift                 status: also check the database against its migrations
                          (shadow database)
  --rolled-back <name>    resolve: the failed migration is not in the database
  --applied <name>        resolve: the migration's changes are in the database
  -h, --help              show this help

Exit codes: 0 done (status: up to date), 1 failed (status: not up to date),
2 bad arguments.
`,
  async run(argv, output: Output) {
    const { values, positionals } = parseCommandArgs(this, argv, OPTIONS, 1);
    if (values.help) {
      output.out(this.help);
      return EXIT.ok;
    }
    const [sub] = positionals;
    if (!sub) throw new UsageError('missing <migrate|deploy|status|resolve|generate>', this.help);
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`unknown db command: ${sub}`, this.help);
    const subcommand = sub as Subcommand;
    for (const owner of SUBCOMMANDS) {
      const misplaced = OWN_OPTIONS[owner].find((name) => values[name] !== undefined && !OWN_OPTIONS[subcommand].includes(name));
      if (misplaced) throw new UsageError(`--${misplaced} is an option of burrow db ${owner}, not ${subcommand}`, this.help);
    }
    const schema = values.schema ?? defaultSchema();
    if (!schema) throw new UsageError('no --schema given, and there is no prisma/schema.prisma here', this.help);
    const options: DbOptions = { schema, url: values.url, migrations: values.migrations };
    try {
      switch (subcommand) {
        case 'deploy': {
          const { database, applied } = await migrateDeploy(options);
          output.out(applied.length ? `Applied ${plural(applied.length, 'migration')} to ${display(database)}:\n${list(applied)}` : `No pending migration: ${display(database)} is up to date.\n`);
          return EXIT.ok;
        }
        case 'migrate': {
          const result = await migrateDev({ ...options, name: values.name, createOnly: values['create-only'], acceptDataLoss: values['accept-data-loss'] });
          const created = result.created ? [result.created] : [];
          const before = result.applied.filter((m) => !created.includes(m));
          if (before.length) output.out(`Applied ${plural(before.length, 'pending migration')} to ${display(result.database)}:\n${list(before)}`);
          for (const warning of result.warnings) output.out(`warning: ${warning}\n`);
          if (!result.created) output.out(`No schema change: ${display(result.database)} matches the schema.\n`);
          else if (values['create-only']) output.out(`Created ${relative(result.createdPath)} (not applied: edit it, then run burrow db migrate or deploy).\n`);
          else output.out(`Created and applied ${relative(result.createdPath)}.\n`);
          return EXIT.ok;
        }
        case 'status': {
          const status = await migrateStatus({ ...options, drift: values.drift });
          output.out(formatStatus(status));
          return status.upToDate ? EXIT.ok : EXIT.failed;
        }
        case 'generate': {
          output.out(await generateClient({ schema }));
          return EXIT.ok;
        }
        case 'resolve': {
          const applied = values.applied;
          const rolledBack = values['rolled-back'];
          if (Boolean(applied) === Boolean(rolledBack)) throw new UsageError('resolve needs one of --rolled-back <name> and --applied <name>', this.help);
          await migrateResolve({ ...options, applied, rolledBack });
          output.out(applied ? `Recorded ${applied} as applied.\n` : `Recorded ${rolledBack} as rolled back: the next deploy applies it again.\n`);
          return EXIT.ok;
        }
      }
    } catch (error) {
      if (!(error instanceof DbError)) throw error;
      output.err(`burrow db ${subcommand}: ${error.message}\n`);
      return EXIT.failed;
    }
  },
};

/** The state of every migration, one per line, then a summary. */
export function formatStatus(status: MigrateStatusResult): string {
  const lines = [`${display(status.database)}${status.databaseExists ? '' : ' (does not exist yet)'}: ${plural(status.migrations.length, 'migration')} in the folder`];
  const state = (name: string) =>
    status.failed.includes(name) ? 'failed' : status.edited.includes(name) ? 'edited' : status.applied.includes(name) ? 'applied' : 'pending';
  for (const name of status.migrations) lines.push(`  ${state(name).padEnd(8)} ${name}`);
  for (const name of status.failed.filter((m) => !status.migrations.includes(m))) lines.push(`  ${'failed'.padEnd(8)} ${name} (not in the folder)`);
  for (const name of status.missing) lines.push(`  ${'missing'.padEnd(8)} ${name} (applied to the database, not in the folder)`);
  if (status.drift) lines.push(`Drift: ${status.driftSummary ?? 'the database does not match its migrations'}`);
  const problems = [
    [status.pending.length, 'pending'],
    [status.failed.length, 'failed'],
    [status.edited.length, 'edited'],
    [status.missing.length, 'missing'],
  ] as const;
  const summary = problems.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  if (status.drift) summary.push('drift');
  lines.push(status.upToDate ? 'Up to date.' : `Not up to date: ${summary.join(', ')}.`);
  return lines.join('\n') + '\n';
}

function display(database: string): string {
  return database.startsWith('file:') ? `file:${relative(database.slice('file:'.length))}` : database;
}

function relative(file: string | undefined): string {
  if (!file) return '';
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function list(names: string[]): string {
  return names.map((n) => `  ${n}\n`).join('');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
