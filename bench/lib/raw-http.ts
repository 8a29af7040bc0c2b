/**
 * Load over raw keep-alive sockets, for the benches whose requests are made ahead as
 * bytes (bench/auth.ts, bench/services.ts): a closed loop per connection (send, wait
 * for the whole answer, send the next), the server's CPU time per request from /proc,
 * and the pinned server child both benches start from their own file.
 */
import net from 'node:net';
import { dirname } from 'node:path';
import { cpuTicks, hasCommand, pin, ticksToUs } from './proc.js';
import { startBenchServer, type BenchServer } from './server.js';

/** One keep-alive connection: `request` sends bytes and resolves with the answer's status once it is complete. */
export function connection(port: number): Promise<{ request(bytes: Buffer): Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    let waiting: ((status: number) => void) | undefined;
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      const answer = complete(buffer);
      if (!answer) return;
      buffer = buffer.subarray(answer.length);
      const done = waiting;
      waiting = undefined;
      done?.(answer.status);
    });
    socket.on('connect', () =>
      resolve({
        request: (bytes) =>
          new Promise<number>((done) => {
            waiting = done;
            socket.write(bytes);
          }),
        close: () => socket.end(),
      }),
    );
  });
}

/** The status and length of the first complete HTTP answer in `buffer`, if there is one. */
export function complete(buffer: Buffer): { status: number; length: number } | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const headers = buffer.toString('latin1', 0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
  if (!length) throw new Error(`an answer without Content-Length: ${headers.slice(0, 200)}`);
  const total = end + 4 + Number(length[1]);
  if (buffer.length < total) return undefined;
  return { status: Number(headers.slice(9, 12)), length: total };
}

/** What one window of load measured. */
export interface LoadResult {
  rps: number;
  /** The server's CPU-µs per request over the window. */
  cpuUs: number;
  /** Answers other than 200. */
  errors: number;
  /** `next` ran out before the window ended (the window was shortened). */
  exhausted: boolean;
}

/**
 * Sends `next()`'s requests on `connections` keep-alive sockets, each waiting for its
 * answer, for `seconds` (or until `next` answers nothing).
 */
export async function closedLoop(server: BenchServer, options: { connections: number; seconds: number; next: () => Buffer | undefined }): Promise<LoadResult> {
  const ticks0 = cpuTicks(server.pid);
  const started = process.hrtime.bigint();
  const deadline = Date.now() + options.seconds * 1000;
  let ok = 0;
  let errors = 0;
  let exhausted = false;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const conn = await connection(server.port);
      while (Date.now() < deadline) {
        const request = options.next();
        if (!request) {
          exhausted = true;
          break;
        }
        if ((await conn.request(request)) === 200) ok++;
        else errors++;
      }
      conn.close();
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const done = ok + errors;
  return { rps: done / elapsed, cpuUs: ticksToUs(cpuTicks(server.pid) - ticks0) / Math.max(1, done), errors, exhausted };
}

/**
 * Starts `benchFile --serve …` as the server child (NODE_ENV=production, tsx, the
 * sources' condition), pins it to core 0 and this process to core 1 when taskset exists.
 */
export async function startPinnedServer(benchFile: string, id: string, args: string[] = []): Promise<{ server: BenchServer; pinned: boolean }> {
  const server = await startBenchServer([process.execPath, '--conditions=burrowjs-source', '--import', 'tsx', benchFile, '--serve', ...args], {
    id,
    cwd: dirname(dirname(benchFile)),
    timeoutMs: 60_000,
  });
  const pinned = hasCommand('taskset');
  if (pinned) {
    pin(server.pid, 0);
    pin(process.pid, 1);
  }
  return { server, pinned };
}
