import { spawn } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, openDatabase, reset, type TestDatabase } from './harness.js';

/** Resolves with the first line of the child's stdout that matches. */
function waitFor(child: ReturnType<typeof spawn>, pattern: RegExp, timeout = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${buffer}`)), timeout);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ${pattern}; stdout: ${buffer}`)));
  });
}

describe.each(PROVIDERS)('resources on %s: a process killed mid-batch', (provider) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openDatabase(provider);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('leaves nothing of a 1000-item batch behind', async () => {
    const { projectId } = await reset(db);
    const child = spawn(process.execPath, ['--conditions=burrowjs-source', '--import', 'tsx', 'test/plugins/resources/batch-child.ts'], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [, port] = await waitFor(child, /PORT (\d+)/);
      const payload = JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => ({ operationId: 'createTask', body: { title: `bulk ${i}`, projectId } })) });
      const request = http.request({ host: '127.0.0.1', port: Number(port), method: 'POST', path: '/batch', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } });
      const answered = new Promise<string>((resolve) => {
        request.on('error', (error) => resolve(`error: ${(error as NodeJS.ErrnoException).code}`));
        request.on('response', (res) => resolve(`status ${res.statusCode}`));
      });
      request.end(payload);
      await waitFor(child, /HALFWAY/);
      // 500 creates are written inside the open transaction: kill the server there.
      child.kill('SIGKILL');
      expect(await answered).toMatch(/^error: (ECONNRESET|EPIPE)|^error: socket hang up/);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await db.prisma.task.count()).toBe(0);
  }, 60_000);
});
