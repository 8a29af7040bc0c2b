import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createKernel, type OpenApiDocument, type PluginEntry } from '../../../core/index.js';

export const CHILD = 'test/core/kernel/shutdown-child.ts';

/** Starts the shutdown child for an adapter; resolves once it prints its URL. */
export async function startChild(adapter: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--conditions=burrowjs-source', '--import', 'tsx', CHILD, adapter], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child did not start; stdout: ${stdout}; stderr: ${stderr}`)), 30_000);
    const onData = () => {
      const match = /URL (\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`the child exited (${code}) before listening; stdout: ${stdout}; stderr: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

export type Outcome =
  | { kind: 'answer'; status: number; headers: http.IncomingHttpHeaders; body: string }
  | { kind: 'error'; code: string; message: string };

/** One GET through an agent (with `headers`, if any): its answer, or the error the request failed with. */
export function get(agent: http.Agent, url: string, headers: http.OutgoingHttpHeaders = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ kind: 'answer', status: res.statusCode!, headers: res.headers, body }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? 'ERR', message: error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? 'ERR', message: error.message }));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills a child left running by a failed test. */
export function stop(child: ChildProcess | undefined) {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** `/slow` (answers `{ done: true }`) and `/fast` (204). */
export const gatedContract: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'lifecycle', version: '1' },
  paths: {
    '/slow': { get: { operationId: 'slow', responses: { '200': { description: 'late', content: { 'application/json': { schema: { type: 'object', required: ['done'], properties: { done: { const: true } } } } } } } } },
    '/fast': { get: { operationId: 'fast', responses: { '204': { description: 'at once' } } } },
  },
};

/** A kernel (with `plugins`) whose `slow` handler signals when a request is inside it, and answers only once released. */
export async function gatedKernel(plugins: PluginEntry[] = []) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const kernel = await createKernel({
    contract: gatedContract,
    contractCache: false,
    logger: { level: 'silent' },
    plugins,
    handlers: {
      slow: async () => {
        entered();
        await released;
        return { status: 200, body: { done: true } };
      },
      fast: () => ({ status: 204 }),
    },
  });
  return { kernel, inHandler, release };
}
