/**
 * A benchmark server in a child process: started with IPC, ready once it prints
 * `READY {json}` (its port and what else it reports), asked over IPC how many requests
 * it served (`count`). Used by run.ts and resources.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A started server. */
export interface BenchServer {
  child: ChildProcess;
  pid: number;
  port: number;
  /** What the server printed after `READY`. */
  ready: Record<string, unknown>;
  /** Its last stderr chunks (for error messages). */
  stderr: string[];
  /** The number of requests it served, asked over IPC. */
  count(): Promise<number>;
}

/** Spawns `cmd` (in `cwd`, NODE_ENV=production) and resolves once it is ready; rejects if it exits first or after `timeoutMs`. */
export function startBenchServer(cmd: string[], options: { id: string; cwd: string; timeoutMs: number; onSpawn?: (child: ChildProcess) => void }): Promise<BenchServer> {
  const { id } = options;
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
  options.onSpawn?.(child);
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => {
    stderr.push(String(d));
    if (stderr.length > 50) stderr.shift();
  });
  let pending: ((n: number) => void)[] = [];
  child.on('message', (m: { count?: number }) => {
    if (typeof m?.count !== 'number') return;
    const waiting = pending;
    pending = [];
    for (const w of waiting) w(m.count);
  });
  const count = () =>
    new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${id}: no answer to 'count'`)), 10_000);
      pending.push((n) => {
        clearTimeout(t);
        resolve(n);
      });
      child.send('count');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${id}: no READY within ${options.timeoutMs / 1000} s; stderr: ${stderr.join('').slice(-1500)}`));
    }, options.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${id} exited with ${code}: ${stderr.join('').slice(-1500)}`));
    });
    let buffer = '';
    child.stdout!.on('data', (d) => {
      buffer += d;
      const m = /^READY (.*)$/m.exec(buffer);
      if (!m) return;
      buffer = '';
      clearTimeout(timer);
      const ready = JSON.parse(m[1]!) as Record<string, unknown> & { port: number };
      resolve({ child, pid: child.pid!, port: ready.port, ready, stderr, count });
    });
  });
}
