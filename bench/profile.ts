/**
 * Profiles a Burrow server under load: `node --cpu-prof` on the server process
 * (pinned to core 0) while wrk/autocannon (core 1) sends one route, then sums the
 * samples taken during the load window by function (self time) and by area
 * (Burrow's core files, node internals, each package, GC).
 *
 *   npm run bench -- --profile [--adapter node|express|both] [--ops 20,1000] [--route post|hello|getById] [--seconds 8]
 *   node --import tsx bench/profile.ts ...   (same)
 *
 * Writes bench/profiles/<adapter>-<ops>-<route>.cpuprofile (open it in Chrome
 * DevTools) and bench/PROFILE.md (the summaries).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUTES } from './lib/contract.js';
import { runLoad } from './lib/load.js';
import { hasCommand, waitIdle } from './lib/proc.js';
import { args } from './lib/server-common.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const a = args();
const adapters = (a.adapter ?? 'both') === 'both' ? ['node', 'express'] : [a.adapter];
const opsList = String(a.ops ?? '20,1000').split(',').map(Number);
const route = ROUTES.find((r) => r.key === (a.route ?? 'post'))!;
const seconds = Number(a.seconds ?? 8);
const interval = Number(a.interval ?? 250);
const warmup = Number(a.warmup ?? 6);
const loader = hasCommand('wrk') ? 'wrk' : 'autocannon';
const pinned = hasCommand('taskset');
const outDir = join(BENCH, 'profiles');
mkdirSync(outDir, { recursive: true });

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const sections: string[] = [
  '# Profile of Burrow under load',
  '',
  `${new Date().toISOString()} — \`node --cpu-prof --cpu-prof-interval ${interval}\` on the server (core 0), ${loader} with 50 connections (core 1), ` +
    `${route.label}, ${opsList.join(' and ')} operations, ${seconds} s of load after a warm-up of ${warmup} s; only samples inside the load window are counted.`,
  '',
];

const overview: string[] = ['## Overview', '', '| server | ops | req/s under the profiler | GC % | idle % | Burrow core self % |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
const details: string[] = [];
for (const ops of opsList) {
  for (const adapter of adapters) {
    const { file, window, rps, requests } = await profileOnce(adapter, ops);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const name = `burrow${adapter === 'node' ? '-native' : ''}@${ops}`;
    const { lines, shares } = summarise(profile, window, `${name} (adapter ${adapter}, ${ops} operations)`, relative(ROOT, file), requests);
    details.push(...lines);
    overview.push(`| ${name} | ${ops} | ${rps} | ${shares.gc} | ${shares.idle} | ${shares.core} |`);
  }
}
sections.push(...overview, '', ...details);
writeFileSync(join(BENCH, 'PROFILE.md'), sections.join('\n') + '\n');
console.log(sections.join('\n'));
console.log(`\nwrote ${relative(process.cwd(), join(BENCH, 'PROFILE.md'))}`);

async function profileOnce(adapter: string, ops: number): Promise<{ file: string; window: [number, number]; rps: number; requests: number }> {
  const dir = join(outDir, `tmp-${process.pid}-${adapter}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cmd = [
    ...(pinned ? ['taskset', '-c', '0'] : []),
    process.execPath,
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
    '--cpu-prof-interval',
    String(interval),
    '--import',
    'tsx',
    'bench/servers/burrow.ts',
    '--ops',
    String(ops),
    '--adapter',
    adapter,
  ];
  const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /^READY (.*)$/m.exec(buf);
      if (m) resolve(JSON.parse(m[1]).port);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const load = { loader: loader as 'wrk' | 'autocannon', pinPrefix: pinned ? ['taskset', '-c', '1'] : [], connections: 50 };
  await waitIdle(child.pid!, { windowMs: 200 });
  // Warm-up on all three routes (Burrow's validator warm-up only progresses under traffic).
  await runLoad(port, ROUTES, { ...load, seconds: warmup });
  await waitIdle(child.pid!);
  // The profile's timestamps are CLOCK_MONOTONIC µs, as process.hrtime() here.
  const start = Number(process.hrtime.bigint() / 1000n);
  const result = await runLoad(port, [route], { ...load, seconds });
  const end = Number(process.hrtime.bigint() / 1000n);
  const rps = Math.round(result.requests / (result.duration_us / 1e6));
  console.log(`${adapter}@${ops}: ${rps} req/s under the profiler (${result.status_errors} non-2xx)`);
  await waitIdle(child.pid!);
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!written.length) throw new Error(`no .cpuprofile written in ${dir}`);
  const file = join(outDir, `${adapter}-${ops}-${route.key}.cpuprofile`);
  renameSync(join(dir, written[0]), file);
  rmSync(dir, { recursive: true, force: true });
  return { file, window: [start, end], rps, requests: result.requests };
}

/** Where a function lives: a core file, node internals, a package, or a V8 pseudo-node. */
function area(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const core = url.indexOf('/core/');
  if (core !== -1) return `burrow core/${url.slice(core + 6)}`;
  const bench = url.indexOf('/bench/');
  if (bench !== -1) return `bench/${url.slice(bench + 7)}`;
  return url;
}

function shortUrl(url: string): string {
  if (!url) return '';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) return url.slice(nm + 14);
  return url.replace(/^file:\/\//, '').replace(ROOT + '/', '');
}

function summarise(profile: Profile, [start, end]: [number, number], title: string, file: string, requests: number): { lines: string[]; shares: Record<string, string> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < start || t > end) continue;
    // A sample's weight is the time to the next sample.
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const fnKey = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  const selfByFn = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusiveByFn = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    selfByFn.set(fnKey(frame), (selfByFn.get(fnKey(frame)) ?? 0) + us);
    selfByArea.set(area(frame), (selfByArea.get(area(frame)) ?? 0) + us);
    // Inclusive: each function on the stack once per sample.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = fnKey(byId.get(n)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusiveByFn.set(k, (inclusiveByFn.get(k) ?? 0) + us);
    }
  }
  const pct = (us: number) => ((100 * us) / total).toFixed(1);
  const perReq = (us: number) => (us / requests).toFixed(2);
  const top = (m: Map<string, number>, n: number) => [...m].sort((x, y) => y[1] - x[1]).slice(0, n);
  const out = [
    `## ${title}`,
    '',
    `Profile: \`${file}\`; ${(total / 1e6).toFixed(2)} s of samples in the load window (idle included), ${requests} requests answered in it. ` +
      'µs/req = time ÷ those requests (the profiler itself slows the server: compare shares, not absolute figures, with RESULTS.md). ' +
      'Line numbers of TypeScript files are those of tsx\'s output (no source maps in CPU profiles): read the function names.',
    '',
  ];
  out.push('### Self time by area', '', '| area | self ms | % | µs/req |', '| --- | ---: | ---: | ---: |');
  for (const [k, us] of top(selfByArea, 25)) out.push(`| ${k} | ${(us / 1000).toFixed(0)} | ${pct(us)} | ${perReq(us)} |`);
  out.push('', '### Top 30 functions by self time', '', '| function | self ms | % | µs/req |', '| --- | ---: | ---: | ---: |');
  for (const [k, us] of top(selfByFn, 30)) out.push(`| \`${k}\` | ${(us / 1000).toFixed(0)} | ${pct(us)} | ${perReq(us)} |`);
  out.push('', '### Burrow core functions by inclusive time', '', '| function | total ms | % | µs/req |', '| --- | ---: | ---: | ---: |');
  for (const [k, us] of top(new Map([...inclusiveByFn].filter(([k]) => k.includes(' core/'))), 25)) out.push(`| \`${k}\` | ${(us / 1000).toFixed(0)} | ${pct(us)} | ${perReq(us)} |`);
  out.push('');
  const coreSelf = [...selfByArea].filter(([k]) => k.startsWith('burrow core/')).reduce((x, [, us]) => x + us, 0);
  return {
    lines: out,
    shares: { gc: pct(selfByArea.get('(garbage collector)') ?? 0), idle: pct(selfByArea.get('(idle)') ?? 0), core: pct(coreSelf) },
  };
}
