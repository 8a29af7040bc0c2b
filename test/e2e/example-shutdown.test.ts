import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../example-app/seed.js';
import { get, sleep, type Outcome } from '../core/kernel/shutdown-helpers.js';
import { startExample } from './example-helpers.js';

const CLIENTS = 50;
/** How long the clients loop, at least, before the signal (ms). */
const LOAD = 400;
/** The longest the load may take to reach every client's connection before the signal (ms). */
/** How long the clients may take to stop once the signal is sent, and the process to exit (ms). */
const STOP_DEADLINE = 10_000;
const EXIT_DEADLINE = 15_000;

/**
 * The scenario on the example app as a user runs it (`npm start`, which `exec`s
 * the server, npm forwarding the signal): 50 keep-alive clients loop on GET /tasks, SIGTERM
 * comes mid-load, and no request written on a connection goes unanswered — each is served
 * (200) or refused with 503 problem+json, `Connection: close` and `Retry-After` — also a
 * request on a connection still waiting in the accept queue at the signal; a new connection
 * during the grace period gets the same 503, after it is refused; the process exits 0.
 */
describe('example app (npm start): SIGTERM under keep-alive load', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'burrow-e2e-shutdown-'));
  const env = { DATABASE_URL: `file:${path.join(dir, 'tasks.db')}`, REDIS_URL: '', BURROW_ADMIN_USER: '', BURROW_ADMIN_PASSWORD: '' };
  let child: ChildProcess | undefined;
  let base = '';
  let output = () => '';
  let authorization = '';

  beforeAll(async () => {
    ({ child, base, output } = await startExample(env));
    // Ada is an admin: exempt from the API-wide rate limit (600 a minute per user), so no 429.
    const res = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada@example.com', password: DEMO_PASSWORD }),
    });
    expect(res.status).toBe(200);
    authorization = `Bearer ${((await res.json()) as { token: string }).token}`;
  }, 60_000);

  afterAll(async () => {
    // Left running by a failed test: a second signal exits at once (npm forwards it), then SIGKILL.
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses none of the requests of ${CLIENTS} keep-alive clients looping on GET /tasks, and exits 0`, async () => {
    const server = child!;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      server.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const answers: (Extract<Outcome, { kind: 'answer' }> & { afterSignal: boolean })[] = [];
    const refused: string[] = [];
    const lost: string[] = [];
    let signalAt: number | undefined;
    /** A new connection attempted as soon as the first 503 shows the close began. */
    let fresh: Promise<Outcome> | undefined;

    /** Answers per client before the signal. */
    async function client(index: number) {
      for (;;) {
        const outcome = await get(agent, `${base}/tasks`, { authorization });
        if (outcome.kind === 'error') {
          // A refused connection never carried a request; anything else lost one.
          const when = signalAt === undefined ? 'before the signal' : `${Date.now() - signalAt} ms after the signal`;
          (outcome.code === 'ECONNREFUSED' ? refused : lost).push(`${outcome.code}: ${outcome.message} (${when})`);
          return;
        }
        answers.push({ ...outcome, afterSignal: signalAt !== undefined });
        if (outcome.status !== 200) {
          fresh ??= get(new http.Agent({ keepAlive: false }), `${base}/tasks`, { authorization });
          return;
        }
      }
    }
    const clients = Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
    // Mid-load, at a fixed point as the issue tried it: some clients have been answered many
    // times, others may still sit in the server's accept queue with their first request written
    // (under this load the server accepts one connection per turn of its event loop). Both
    // kinds must be answered: the listener stays open through the grace period.
    const loadStart = Date.now();
    while (Date.now() - loadStart < LOAD && !lost.length) await sleep(10);
    const servedBefore = answers.filter((a) => a.status === 200).length;
    signalAt = Date.now();
    server.kill('SIGTERM');

    // A request that never gets an answer (nor an error) is lost too: bounded wait.
    const stopped = await Promise.race([clients.then(() => true), sleep(STOP_DEADLINE).then(() => false)]);
    const pending = CLIENTS - answers.filter((a) => a.status !== 200).length - refused.length - lost.length;
    const freshOutcome = await fresh;
    const exit = await Promise.race([exited, sleep(EXIT_DEADLINE).then(() => undefined)]);

    const count = (status: number) => answers.filter((a) => a.status === status).length;
    const okAfterSignal = answers.filter((a) => a.status === 200 && a.afterSignal);
    const summary = {
      loadMs: signalAt - loadStart,
      servedBefore,
      ok: count(200),
      okAfterSignal: okAfterSignal.length,
      okClosing: okAfterSignal.filter((a) => a.headers.connection === 'close').length,
      unavailable: count(503),
      refused: refused.length,
      lost: lost.length,
      pending,
      exitMs: exit ? exit.at - signalAt : undefined,
    };
    console.log(`example shutdown: ${JSON.stringify(summary)}`);

    expect(lost, output()).toEqual([]);
    expect(stopped, `${pending} clients still waiting for an answer ${STOP_DEADLINE} ms after SIGTERM`).toBe(true);
    expect(servedBefore).toBeGreaterThan(0);
    // Every client stopped on a 503 or on a refused (new) connection.
    expect(refused.length + count(503)).toBe(CLIENTS);
    expect(count(503)).toBeGreaterThan(0);
    for (const answer of answers) {
      if (answer.status === 200) {
        expect(Array.isArray(JSON.parse(answer.body).items)).toBe(true);
        continue;
      }
      expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 503 });
      expect(answer.afterSignal).toBe(true);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers.connection).toBe('close');
      expect(answer.headers['retry-after']).toBe('1');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 503, code: 'BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN' });
    }
    // A new connection right after the first 503: within the grace period it is answered the same way.
    expect(freshOutcome).toMatchObject({ kind: 'answer', status: 503 });
    if (freshOutcome?.kind === 'answer') expect(freshOutcome.headers.connection).toBe('close');
    expect(exit, `no exit within ${EXIT_DEADLINE} ms of SIGTERM:\n${output()}`).toBeDefined();
    expect(exit!.code, output()).toBe(0);
    expect(exit!.at - signalAt).toBeLessThan(EXIT_DEADLINE);
    // LOG_LEVEL=warn: a reset at closeTimeout, or a failed shutdown step, would show.
    expect(output()).not.toMatch(/closeTimeout reached|shutdown step failed|close failed|did not finish/);
  }, 40_000);
});
