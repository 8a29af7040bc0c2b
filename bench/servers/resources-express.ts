/**
 * The baseline of the resources benchmark: the same two read routes written by hand
 * with Express 5 and the same Prisma client (same generated client, same driver
 * adapter, same database), answering the same JSON as the resources plugin over the
 * fixture contract (bench/resources.ts checks that the bodies are equal):
 *
 * - `GET /tasks/:id`: the task with its project and its tags (the fixture's getTask
 *   has no `include` parameter: it embeds every relation its schema declares);
 * - `GET /tasks?limit=50&include=project`: `{ items, nextCursor }`, ordered by id,
 *   `limit` 1..50 (default 10), `include` of project and/or tags.
 *
 * What a careful hand-written route does: the path id and the query checked (a 400
 * otherwise), one Prisma query selecting the same columns and relations as the plugin
 * (so the SQL is the same), and the conversion of the values to what the contract
 * types: the id as a string (BigInt on PostgreSQL), the Decimal estimate as a string,
 * `dueDate` as a date, timestamps as ISO strings. Express's ETag and x-powered-by are
 * off (as in bench/servers/express-ajv.ts: the floor of an Express route); the
 * plugin's own strong ETag (a SHA-256 of the row) is part of what it is measured with.
 *
 *   node --conditions=burrowjs-source --import tsx bench/servers/resources-express.ts --provider sqlite --url file:/tmp/x.db
 */
import express from 'express';
import type { Request, Response } from 'express';
import { exitOnSignal, ready } from '../lib/server-common.js';
import { openPrisma, serverOptions } from './resources-common.js';

exitOnSignal();
const { provider, url } = serverOptions();
const prisma = openPrisma(provider, url);
await prisma.$connect();

const TASK_COLUMNS = {
  id: true,
  title: true,
  description: true,
  status: true,
  priority: true,
  dueDate: true,
  estimate: true,
  meta: true,
  projectId: true,
  assigneeId: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const;
const PROJECT = { select: { id: true, name: true, description: true, ownerId: true, createdAt: true } } as const;
const TAGS = { select: { id: true, name: true }, orderBy: [{ id: 'asc' as const }], take: 100 };

type Row = Record<string, any>;
const project = (p: Row) => ({ id: p.id, name: p.name, description: p.description, ownerId: p.ownerId, createdAt: p.createdAt.toISOString() });
const tag = (t: Row) => ({ id: t.id, name: t.name });
function task(t: Row): Row {
  const out: Row = {
    id: String(t.id),
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    dueDate: t.dueDate === null ? null : t.dueDate.toISOString().slice(0, 10),
    estimate: t.estimate === null ? null : String(t.estimate),
    meta: t.meta,
    projectId: t.projectId,
    assigneeId: t.assigneeId,
    version: t.version,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
  if (t.project !== undefined) out.project = t.project === null ? null : project(t.project);
  if (t.tags !== undefined) out.tags = t.tags.map(tag);
  return out;
}

const bad = (res: Response, detail: string) => void res.status(400).json({ status: 400, title: 'Bad Request', detail });
const toId = (text: string) => (provider === 'postgres' ? BigInt(text) : Number(text));

const app = express();
app.disable('x-powered-by');
app.disable('etag');

app.get('/tasks/:id', async (req: Request<{ id: string }>, res: Response) => {
  const text = req.params.id;
  if (!/^[0-9]{1,18}$/.test(text)) return bad(res, 'id: expected digits');
  const row = await prisma.task.findUnique({ where: { id: toId(text) as number }, select: { ...TASK_COLUMNS, project: PROJECT, tags: TAGS } });
  if (!row) return void res.status(404).json({ status: 404, title: 'Not Found', detail: `no task ${text}` });
  res.json(task(row));
});

app.get('/tasks', async (req: Request, res: Response) => {
  const q = req.query as Record<string, string | undefined>;
  let limit = 10;
  if (q.limit !== undefined) {
    limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) return bad(res, 'limit: an integer from 1 to 50');
  }
  const include = q.include ? q.include.split(',') : [];
  if (include.some((name) => name !== 'project' && name !== 'tags')) return bad(res, 'include: project, tags');
  const select: Row = { ...TASK_COLUMNS };
  if (include.includes('project')) select.project = PROJECT;
  if (include.includes('tags')) select.tags = TAGS;
  // One row more than the page says whether there is a next page.
  const rows = await prisma.task.findMany({ orderBy: [{ id: 'asc' }], take: limit + 1, select });
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const body: Row = { items: rows.map(task) };
  if (more) body.nextCursor = Buffer.from(JSON.stringify({ after: String(rows[rows.length - 1]!.id) })).toString('base64url');
  res.json(body);
});

const server = app.listen(0, '127.0.0.1', () => ready(server, { provider }));
