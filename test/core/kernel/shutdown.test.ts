import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../helpers.js';
import { get, sleep, startChild, stop, type Outcome } from './shutdown-helpers.js';

const CLIENTS = 50;
const CLOSE_TIMEOUT = 4000;

let running: Awaited<ReturnType<typeof startChild>> | undefined;
afterEach(() => stop(running?.child));

describe.each(ADAPTERS)('SIGTERM under load (%s)', (adapter) => {
  it(`loses none of the requests of ${CLIENTS} keep-alive clients looping on a GET, finishes the in-flight ones, and exits 0`, async () => {
    running = await startChild(adapter, { CLOSE_TIMEOUT: String(CLOSE_TIMEOUT), CLOSE_GRACE: '1000', SLOW_MS: '600' });
    const { child, url, exited } = running;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const answers: Extract<Outcome, { kind: 'answer' }>[] = [];
    const refused: string[] = [];
    const lost: string[] = [];

    async function client() {
      for (;;) {
        const outcome = await get(agent, `${url}/work`);
        if (outcome.kind === 'error') {
          // A refused connection never carried a request; anything else lost one.
          (outcome.code === 'ECONNREFUSED' ? refused : lost).push(`${outcome.code}: ${outcome.message}`);
          return;
        }
        answers.push(outcome);
        if (outcome.status !== 200) return;
      }
    }
    const clients = Array.from({ length: CLIENTS }, client);
    while (answers.length < 500 && !lost.length) await sleep(10);

    // One slow request in flight when the signal comes: it must be served.
    const slow = get(new http.Agent({ keepAlive: true }), `${url}/slow`);
    // Under load the server may take a while to accept a new connection: wait until it is in flight.
    for (let waited = 0; !running.output().stdout.includes('SLOW started') && waited < 5000; waited += 10) await sleep(10);
    expect(running.output().stdout).toContain('SLOW started');
    const signalAt = Date.now();
    child.kill('SIGTERM');
    await Promise.all(clients);
    // Every client stopped on a 503 (or a refused connection once the grace period is over).
    const fresh = await get(new http.Agent({ keepAlive: false }), `${url}/work`);
    const slowOutcome = await slow;
    const { code, at } = await exited;

    expect(lost).toEqual([]);
    expect(refused.length + answers.filter((a) => a.status === 503).length).toBe(CLIENTS);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    for (const answer of answers) {
      if (answer.status === 200) {
        expect(JSON.parse(answer.body)).toEqual({ ok: true });
        continue;
      }
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers.connection).toBe('close');
      expect(answer.headers['retry-after']).toBe('1');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 503, code: 'BURROW_ERR_UNAVAILABLE_SHUTTING_DOWN' });
    }
    // A new connection: answered 503 + Connection: close within the grace period, refused after it — never reset.
    if (fresh.kind === 'answer') expect([fresh.status, fresh.headers.connection]).toEqual([503, 'close']);
    else expect(fresh).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });
    expect(slowOutcome).toMatchObject({ kind: 'answer', status: 200, body: '{"slow":true}' });
    expect(code).toBe(0);
    expect(at - signalAt).toBeLessThan(CLOSE_TIMEOUT);
    const { stdout } = running.output();
    // Logged, then the shutdown steps (Prisma's, Redis's in the app) ran, newest first.
    expect(stdout).toMatch(/SIGTERM: closing gracefully[\s\S]*STEP redis\s+STEP database[\s\S]*closed: exiting/);
  }, 30_000);
});

describe('a second signal', () => {
  it('exits at once (1) without waiting for the in-flight request', async () => {
    running = await startChild('node', { CLOSE_TIMEOUT: '8000', SLOW_MS: '6000' });
    const { child, url, exited } = running;
    const slow = get(new http.Agent({ keepAlive: true }), `${url}/slow`);
    await sleep(150);
    child.kill('SIGTERM');
    await sleep(150);
    const second = Date.now();
    child.kill('SIGINT');
    const { code, at } = await exited;
    expect(code).toBe(1);
    expect(at - second).toBeLessThan(1500);
    expect((await slow).kind).toBe('error');
    expect(running.output().stdout).toMatch(/SIGINT during the graceful close \(after SIGTERM\): exiting now/);
  }, 30_000);
});
