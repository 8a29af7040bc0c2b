/** Reading a process's CPU time and memory from /proc, and pinning it to a core. */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (usually 100). */
export const CLK_TCK: number = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12]);
}

export const ticksToUs = (ticks: number): number => (ticks * 1e6) / CLK_TCK;

/** VmRSS of a process, in kB (0 when it is gone). */
export function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The CPUs a process may run on, as /proc shows it (`0`, `0-1`). */
export function cpusAllowed(pid: number): string {
  const m = /Cpus_allowed_list:\s+(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? m[1] : '?';
}

/** Pins every thread of a running process to one core (`taskset -a -cp`). */
export function pin(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until a process stops using CPU: at most `slackTicks` ticks over `windowMs`,
 * for at most `maxMs`. Returns how long it waited.
 */
export async function waitIdle(pid: number, { windowMs = 100, slackTicks = 1, maxMs = 20_000 } = {}): Promise<number> {
  const start = Date.now();
  let last = cpuTicks(pid);
  while (Date.now() - start < maxMs) {
    await sleep(windowMs);
    const now = cpuTicks(pid);
    if (now - last <= slackTicks) return Date.now() - start;
    last = now;
  }
  return Date.now() - start;
}

export { sleep };

/** Busy time of one core since boot, in ticks (user+nice+system+irq+softirq+steal), and its steal. */
export function coreTicks(core: number): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `));
  if (!line) return { busy: 0, steal: 0 };
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq + steal, steal };
}
