import { defineService } from 'burrowjs/plugins/services';
import type { ExamplePrisma } from '../db.js';
import type { Services } from '../generated/api.js';

type TaskSummary = Awaited<ReturnType<Services['Report']['summary']>>;

/**
 * The Report (perUser: one instance per user, shared by all their sessions and schemes).
 * It reads the caller's task counts once (one `groupBy` query) and answers them from the
 * instance until `refresh`; the instance idles out after 10 minutes unused, and the next
 * call reads afresh.
 */
export const report = defineService<Services['Report']>('Report', {
  lifetime: 'perUser',
  idleTimeout: 600,
  create: ({ principal, context }) => {
    const prisma = (context as { prisma: ExamplePrisma }).prisma;
    const userId = principal!.id;
    const compute = async (): Promise<TaskSummary> => {
      const groups = await prisma.task.groupBy({ by: ['status'], where: { assigneeId: Number(userId) }, _count: { _all: true } });
      const byStatus = { todo: 0, in_progress: 0, done: 0 };
      for (const group of groups) byStatus[group.status] = group._count._all;
      return { userId, total: byStatus.todo + byStatus.in_progress + byStatus.done, byStatus, computedAt: new Date().toISOString() };
    };
    // The promise is kept, not the value: concurrent first calls share one query.
    let cached: Promise<TaskSummary> | undefined;
    const read = () => {
      const summary = compute();
      cached = summary;
      // A failed read is not kept: the next call tries again.
      summary.catch(() => cached === summary && (cached = undefined));
      return summary;
    };
    return {
      summary: () => cached ?? read(),
      refresh: () => read(),
    };
  },
});
