import { defineService } from 'burrowjs/plugins/services';
import type { ExamplePrisma } from '../db.js';
import type { components, Services } from '../generated/api.js';
import { exampleErrors } from './errors.js';

type ImportRow = components['schemas']['ImportRow'];

/** The most rows one import holds before commit (the instance keeps them in memory). */
export const MAX_IMPORT_ROWS = 5000;

/**
 * The Import (clientDriven: the client gets an instance id on its first call and sends it
 * back in `X-Burrow-Instance`, until it releases it or it idles out after 15 minutes).
 * The instance accumulates rows; `commit` writes them as tasks in one transaction — all
 * or none — each assigned to the caller (the rows cannot name another assignee: the
 * owner rule of the task operations, applied here by construction).
 */
export const importService = defineService<Services['Import']>('Import', {
  lifetime: 'clientDriven',
  idleTimeout: 900,
  create: ({ principal, context }) => {
    const prisma = (context as { prisma: ExamplePrisma }).prisma;
    const owner = Number(principal!.id);
    let rows: ImportRow[] = [];
    return {
      addRows: ({ rows: more }) => {
        if (rows.length + more.length > MAX_IMPORT_ROWS) {
          throw exampleErrors.create('EXAMPLE_ERR_IMPORT_TOO_MANY_ROWS', { max: MAX_IMPORT_ROWS, pending: rows.length, adding: more.length });
        }
        rows.push(...more);
        return { pending: rows.length };
      },
      commit: async () => {
        // Taken at once: rows added while the transaction runs wait for the next commit,
        // and a second commit meanwhile finds none (never writes a row twice).
        const batch = rows;
        rows = [];
        try {
          const ids = await write(prisma, owner, batch);
          return { created: ids.length, ids };
        } catch (error) {
          rows = [...batch, ...rows];
          throw error;
        }
      },
      discard: () => {
        const discarded = rows.length;
        rows = [];
        return { discarded };
      },
      dispose: () => {
        rows = [];
      },
    };
  },
});

/** Writes the rows as tasks of `owner` in one transaction; answers their ids in row order. */
async function write(prisma: ExamplePrisma, owner: number, rows: ImportRow[]): Promise<string[]> {
  if (!rows.length) return [];
  return prisma.$transaction(async (tx) => {
    const wanted = [...new Set(rows.map((row) => row.projectId))];
    const found = new Set((await tx.project.findMany({ where: { id: { in: wanted } }, select: { id: true } })).map((p) => p.id));
    const unknown = rows.findIndex((row) => !found.has(row.projectId));
    if (unknown !== -1) throw exampleErrors.create('EXAMPLE_ERR_IMPORT_PROJECT_UNKNOWN', { row: unknown, projectId: rows[unknown]!.projectId });
    const created = await tx.task.createManyAndReturn({
      data: rows.map((row) => ({
        title: row.title,
        description: row.description ?? null,
        ...(row.status ? { status: row.status } : {}),
        ...(row.priority ? { priority: row.priority } : {}),
        dueDate: row.dueDate ? new Date(row.dueDate) : null,
        projectId: row.projectId,
        assigneeId: owner,
      })),
      select: { id: true },
    });
    return created.map((task) => String(task.id));
  });
}
