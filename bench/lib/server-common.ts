/**
 * What every benchmark server shares: its command-line options, the hand-written
 * Ajv validators of the floor servers, and the READY line the runner waits for.
 */
import type { Server } from 'node:http';
import v8 from 'node:v8';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ITEM_SCHEMA, ID_SCHEMA, FILLER_SCHEMA } from './contract.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;

/** `--ops 1000 --adapter node` → { ops: '1000', adapter: 'node' } */
export function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const [k, v] = argv[i].slice(2).split('=');
      out[k] = v ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
    }
  }
  return out;
}

export const opsArg = (): number => Number(args().ops ?? 20);

/** The time the process started, for boot figures (ms since it was spawned, roughly). */
export const processStart = performance.timeOrigin;

/** Tells the runner the server listens: one JSON line on stdout. */
export function ready(server: Server, extra: Record<string, unknown> = {}): void {
  const port = (server.address() as AddressInfo).port;
  countRequests(server);
  process.stdout.write(`READY ${JSON.stringify({ port, bootMs: Math.round(performance.now()), ...extra })}\n`);
}

/** Exit cleanly on SIGTERM/SIGINT so `node --cpu-prof` writes its profile. */
export function exitOnSignal(): void {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
}

/** The hand-written validators: one Ajv, formats added, schemas compiled once at boot. */
export function handWrittenValidators() {
  const ajv = new Ajv({ allErrors: false });
  addFormats(ajv);
  const coercing = new Ajv({ coerceTypes: true, allErrors: false });
  return {
    item: ajv.compile(ITEM_SCHEMA),
    filler: ajv.compile(FILLER_SCHEMA),
    /** Validates and coerces `{ id }` in place. */
    params: coercing.compile({ type: 'object', required: ['id'], properties: { id: ID_SCHEMA } }),
    fillerParams: coercing.compile({ type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } }),
  };
}

/**
 * Counts the requests the server received, for CPU per request: the runner asks
 * over the IPC channel (`'count'`) and gets `{ count }` back. Counting on the
 * server side, after the load generator stopped and the server went idle, makes
 * the figure exact even for slow servers whose in-flight requests the load
 * generator abandons at the end of its window.
 */
function countRequests(server: Server): void {
  let count = 0;
  server.on('request', () => count++);
  process.on('message', (m) => {
    if (m === 'count') process.send?.({ count });
    // Memory breakdown, for investigating RSS (not used by the runner's figures).
    if (m === 'mem') process.send?.({ mem: { ...process.memoryUsage(), spaces: v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size })) } });
  });
}
