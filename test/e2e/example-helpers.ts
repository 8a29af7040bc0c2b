import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `npm start` in its own processes, as a user runs it; resolves once it printed its URLs.
 * `npm start` runs the server with `exec`, and npm forwards SIGTERM and SIGINT to it:
 * `child.kill('SIGTERM')` reaches the server, and npm exits with the server's code.
 */
export async function startExample(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const url = /API\s+(http:\/\/\S+)\/tasks/.exec(output)?.[1];
      if (url && /Swagger UI/.test(output)) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, base, output: () => output };
}
