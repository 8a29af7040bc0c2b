/**
 * What every benchmark server shares: its command-line options, the hand-written
 * Ajv validators of the floor servers, and the READY line the runner waits for.
 */
import type { Server } from 'node:http';
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
export function ready(portOrServer: number | Server, extra: Record<string, unknown> = {}): void {
  const port = typeof portOrServer === 'number' ? portOrServer : (portOrServer.address() as AddressInfo).port;
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
