import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** What a finished command printed, and how it ended. */
export interface Ran {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell: none of the `npm_*` variables that `npm test`
 * exports (a child npm would read them as its own configuration), no NODE_ENV.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_ENV$|VITEST|TEST$)/i.test(key)) env[key] = value;
  }
  return { ...env, NO_UPDATE_NOTIFIER: '1', ...extra };
}

/** Runs a command to its end; never throws (see {@link must}). */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ command: `${command} ${args.join(' ')} (in ${cwd})`, code, stdout, stderr });
    });
  });
}

/** The result of a command that must succeed; otherwise an error with all it printed. */
export function must(ran: Ran): Ran {
  if (ran.code !== 0) throw new Error(`${ran.command} exited with ${ran.code}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`);
  return ran;
}

/** `npm install` as a user types it, offline-first and quiet about audits and funding. */
export function npmInstall(cwd: string, specs: string[] = []): Promise<Ran> {
  return run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], cwd);
}

/** A process started in the background (in its own process group), with what it printed so far. */
export interface Background {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects when the process ends first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Sends a signal to the whole process group (npm, its shell, node), as a terminal's Ctrl-C does. */
  signal(name: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

export function background(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Background {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    signal(name) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, name);
      } catch (error) {
        // ESRCH: the whole group has ended already.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    },
    waitFor(pattern, ms = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${command} ${args.join(' ')}: no ${pattern} within ${ms} ms; it printed:\n${text}`));
        }, ms);
        void exited.then((code) => {
          done();
          if (!pattern.exec(text)) reject(new Error(`${command} ${args.join(' ')} exited (${code}) before ${pattern}; it printed:\n${text}`));
        });
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing accepts connections on the port any more. */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
