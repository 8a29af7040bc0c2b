/**
 * The load generator: wrk when installed (one thread, pinned to core 1), else
 * autocannon in a child process pinned the same way. Both report the same
 * figures: requests completed, duration, p50/p99/max latency, non-2xx count.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRoute } from './contract.js';

export interface LoadResult {
  requests: number;
  duration_us: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  status_errors: number;
  socket_errors: number;
}

export interface LoadOptions {
  loader: 'wrk' | 'autocannon';
  /** Prefix of the command, e.g. ['taskset', '-c', '1'], or [] without pinning. */
  pinPrefix: string[];
  connections: number;
  /** Whole seconds (wrk takes no fractions). */
  seconds: number;
}

const scriptDir = mkdtempSync(join(tmpdir(), 'burrow-bench-'));
const scripts = new Map<string, string>();
const lua = (text: string) => `[==[${text}]==]`;

/** One request of a load: a route of the suite, or any request of another bench script. */
export type LoadRequest = Pick<BenchRoute, 'method' | 'path' | 'body'>;

/** A wrk script sending `routes` in turn (one route: the same request every time). */
function wrkScript(routes: LoadRequest[]): string {
  const key = JSON.stringify(routes.map((r) => [r.method, r.path, r.body ?? '']));
  let file = scripts.get(key);
  if (file) return file;
  const lines: string[] = [];
  if (routes.length === 1) {
    const [route] = routes;
    lines.push(`wrk.method = "${route.method}"`);
    if (route.body) lines.push(`wrk.body = ${lua(route.body)}`, `wrk.headers["Content-Type"] = "application/json"`);
  } else {
    lines.push('local reqs = {}', 'local i = 0', 'init = function(args)');
    for (const r of routes) {
      lines.push(
        r.body
          ? `  reqs[#reqs + 1] = wrk.format("${r.method}", ${lua(r.path)}, { ["Content-Type"] = "application/json" }, ${lua(r.body)})`
          : `  reqs[#reqs + 1] = wrk.format("${r.method}", ${lua(r.path)})`,
      );
    }
    lines.push('end', 'request = function() i = i % #reqs + 1; return reqs[i] end');
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"status_errors":%d,"socket_errors":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))',
    'end',
  );
  file = join(scriptDir, `${scripts.size}.lua`);
  writeFileSync(file, lines.join('\n') + '\n');
  scripts.set(key, file);
  return file;
}

const AUTOCANNON_CHILD = fileURLToPath(new URL('./autocannon-child.mjs', import.meta.url));

/**
 * Runs the load generator once against the server on `port`: one route, or
 * several in turn (the warm-up).
 */
export function runLoad(port: number, routes: LoadRequest[], options: LoadOptions): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}${routes[0].path}`;
  const seconds = Math.max(1, Math.round(options.seconds));
  let command: string[];
  if (options.loader === 'wrk') {
    command = ['wrk', '-t1', `-c${options.connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', wrkScript(routes), url];
  } else {
    const requests = routes.map((r) => ({ method: r.method, path: r.path, body: r.body, headers: r.body ? { 'content-type': 'application/json' } : {} }));
    command = [process.execPath, AUTOCANNON_CHILD, `http://127.0.0.1:${port}`, JSON.stringify(requests), String(seconds), String(options.connections)];
  }
  const full = [...options.pinPrefix, ...command];
  return new Promise((resolve, reject) => {
    const child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCHJSON '));
      if (!line) return reject(new Error(`${options.loader} failed (exit ${code}): ${err || out}`));
      resolve(JSON.parse(line.slice('BENCHJSON '.length)) as LoadResult);
    });
  });
}
