/**
 * The example's seed: three demo users (an admin and two members, who log in with
 * {@link DEMO_PASSWORD}), three projects, four tags and a dozen tasks with tags and
 * comments, always the same (fixed dates, no randomness but the password hashes' salts),
 * so that the README's curl examples answer the same on every fresh database. Ids are
 * those of a fresh database: users 1-3, projects 1-3, tags 1-4, tasks 1-12.
 */
import { hashPassword } from 'burrowjs/plugins/auth';
import type { ExamplePrisma } from './db.js';

/** What {@link seed} wrote. */
export interface SeedSummary {
  users: number;
  projects: number;
  tags: number;
  tasks: number;
  comments: number;
}

type Status = 'todo' | 'in_progress' | 'done';

interface SeedTask {
  title: string;
  description?: string;
  status: Status;
  priority: number;
  /** `YYYY-MM-DD`. */
  due?: string;
  /** Hours, as a decimal string. */
  estimate?: string;
  meta?: Record<string, string | number>;
  project: number;
  assignee?: number;
  tags: string[];
  comments?: { by: number; body: string }[];
}

/**
 * The password of every demo user. Demo data, published in the README: a database
 * seeded with it is for trying the example out, never for real users.
 */
export const DEMO_PASSWORD = 'burrow-demo';

/**
 * The demo users: they log in with their email and {@link DEMO_PASSWORD}. Their role is
 * their group (`admin` or `member`); the password is stored hashed (scrypt), in the
 * model only, never in the contract.
 */
export const SEED_USERS = [
  { email: 'ada@example.com', name: 'Ada Lovelace', role: 'admin' },
  { email: 'grace@example.com', name: 'Grace Hopper', role: 'member' },
  { email: 'alan@example.com', name: 'Alan Turing', role: 'member' },
] as const;

/** The projects, with the user (1-based) who owns each. */
export const SEED_PROJECTS = [
  { name: 'Website', description: 'The public site and its blog.', owner: 1 },
  { name: 'Mobile app', description: 'The iOS and Android app.', owner: 2 },
  { name: 'Documentation', description: null, owner: 1 },
] as const;

export const SEED_TAGS = ['bug', 'feature', 'docs', 'urgent'] as const;

/** The tasks, in id order. */
export const SEED_TASKS: readonly SeedTask[] = [
  { title: 'Redesign the home page', description: 'New hero, lighter footer.', status: 'in_progress', priority: 4, due: '2026-12-01', estimate: '16', project: 1, assignee: 1, tags: ['feature'], comments: [{ by: 2, body: 'The mock-ups are in the shared folder.' }, { by: 1, body: 'Starting with the hero.' }] },
  { title: 'Fix the broken links in the blog', status: 'todo', priority: 3, due: '2026-11-20', estimate: '2', project: 1, assignee: 2, tags: ['bug'] },
  { title: 'Set up the contact form', description: 'Spam protection included.', status: 'done', priority: 2, estimate: '4.5', project: 1, assignee: 1, tags: ['feature'], comments: [{ by: 1, body: 'Deployed on Friday.' }] },
  { title: 'Compress the images', status: 'todo', priority: 1, project: 1, assignee: 3, tags: [] },
  { title: 'Crash when the phone rotates', description: 'Only on the settings screen.', status: 'in_progress', priority: 5, due: '2026-11-15', estimate: '3', meta: { platform: 'android', reports: 14 }, project: 2, assignee: 2, tags: ['bug', 'urgent'], comments: [{ by: 2, body: 'Reproduced on Android 15.' }] },
  { title: 'Offline mode', status: 'todo', priority: 4, due: '2027-02-01', estimate: '40', project: 2, assignee: 2, tags: ['feature'] },
  { title: 'Dark theme', status: 'done', priority: 2, estimate: '8', project: 2, assignee: 1, tags: ['feature'] },
  { title: 'Submit to the app stores', status: 'todo', priority: 5, due: '2026-12-15', project: 2, tags: ['urgent'], comments: [{ by: 1, body: 'Needs the new screenshots first.' }] },
  { title: 'Write the quick start', description: 'Install, first contract, first request.', status: 'in_progress', priority: 4, due: '2026-11-30', estimate: '6', project: 3, assignee: 1, tags: ['docs'] },
  { title: 'Document the query language', status: 'todo', priority: 3, due: '2026-12-20', estimate: '5', project: 3, assignee: 2, tags: ['docs', 'feature'], comments: [{ by: 2, body: 'Filter, sort, cursor, select, include and count.' }] },
  { title: 'Fix the typos in the API reference', status: 'done', priority: 1, estimate: '0.5', project: 3, tags: ['docs', 'bug'] },
  { title: 'Record a screencast', status: 'todo', priority: 2, project: 3, meta: { length: '5 min' }, assignee: 3, tags: ['docs'] },
];

/** The time the seeded records were created: one hour apart from this instant, in id order. */
const SEEDED_AT = Date.UTC(2026, 10, 2, 9, 0, 0);
const at = (hours: number) => new Date(SEEDED_AT + hours * 3_600_000);

/** True when the database holds no user, project, tag nor task. */
export async function isEmpty(prisma: ExamplePrisma): Promise<boolean> {
  const counts = await Promise.all([prisma.user.count(), prisma.project.count(), prisma.tag.count(), prisma.task.count()]);
  return counts.every((n) => n === 0);
}

/** Writes the seed, in one transaction. The database should be empty (see {@link seedIfEmpty}). */
export async function seed(prisma: ExamplePrisma): Promise<SeedSummary> {
  // Hashed before the transaction: scrypt takes a while, a transaction should not.
  const passwordHashes = await Promise.all(SEED_USERS.map(() => hashPassword(DEMO_PASSWORD)));
  return prisma.$transaction(
    async (tx) => {
      const users: number[] = [];
      for (const [i, user] of SEED_USERS.entries()) {
        users.push((await tx.user.create({ data: { ...user, passwordHash: passwordHashes[i]!, createdAt: at(i) }, select: { id: true } })).id);
      }
      const projects: number[] = [];
      for (const [i, project] of SEED_PROJECTS.entries()) {
        const data = { name: project.name, description: project.description, ownerId: users[project.owner - 1]!, createdAt: at(2 + i) };
        projects.push((await tx.project.create({ data, select: { id: true } })).id);
      }
      for (const name of SEED_TAGS) await tx.tag.create({ data: { name } });
      let comments = 0;
      for (const [i, task] of SEED_TASKS.entries()) {
        const createdAt = at(10 + i);
        await tx.task.create({
          data: {
            title: task.title,
            description: task.description ?? null,
            status: task.status,
            priority: task.priority,
            dueDate: task.due ? new Date(`${task.due}T00:00:00.000Z`) : null,
            estimate: task.estimate ?? null,
            ...(task.meta ? { meta: task.meta } : {}),
            projectId: projects[task.project - 1]!,
            assigneeId: task.assignee ? users[task.assignee - 1]! : null,
            createdAt,
            updatedAt: createdAt,
            tags: { connect: task.tags.map((name) => ({ name })) },
            comments: {
              create: (task.comments ?? []).map((c, n) => ({ body: c.body, authorId: users[c.by - 1]!, createdAt: new Date(createdAt.getTime() + (n + 1) * 600_000) })),
            },
          },
          select: { id: true },
        });
        comments += task.comments?.length ?? 0;
      }
      return { users: users.length, projects: projects.length, tags: SEED_TAGS.length, tasks: SEED_TASKS.length, comments };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/** Seeds the database when it is empty; `undefined` when it already held data. */
export async function seedIfEmpty(prisma: ExamplePrisma): Promise<SeedSummary | undefined> {
  return (await isEmpty(prisma)) ? seed(prisma) : undefined;
}
