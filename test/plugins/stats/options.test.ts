import { describe, expect, it } from 'vitest';
import { createKernel, type BurrowError } from '../../../core/index.js';
import statsDefault, { stats } from '../../../plugins/stats/index.js';
import { STATS_DEFAULTS, parseStatsOptions } from '../../../plugins/stats/options.js';

const EMPTY = { openapi: '3.1.0', info: { title: 'empty', version: '1' }, paths: {} } as const;

describe('stats options', () => {
  it('defaults to /stat, loopback only, no per-user entries, p50/p90/p99', () => {
    expect(parseStatsOptions(undefined)).toEqual(STATS_DEFAULTS);
    expect(parseStatsOptions({})).toEqual(STATS_DEFAULTS);
    expect(STATS_DEFAULTS).toMatchObject({ path: '/stat', security: undefined, allow: [], checkAddress: true, perUser: false, maxUsers: 100, percentiles: [50, 90, 99], reset: true });
  });

  it('checks addresses without security or with an explicit allow only', () => {
    expect(parseStatsOptions({ security: [{ basicAuth: [] }] }).checkAddress).toBe(false);
    expect(parseStatsOptions({ security: [{ basicAuth: [] }], allow: ['10.0.0.0/8'] }).checkAddress).toBe(true);
    expect(parseStatsOptions({ allow: ['10.0.0.0/8'] })).toMatchObject({ checkAddress: true, allow: ['10.0.0.0/8'] });
  });

  it('exports the plugin as default and by name', () => {
    expect(statsDefault).toBe(stats);
  });

  it('boots with no options in a kernel without security schemes', async () => {
    const kernel = await createKernel({ contract: EMPTY as never, logger: { level: 'silent' }, plugins: [stats()] });
    expect((await kernel.inject('/stat')).statusCode).toBe(200);
    await kernel.close();
  });

  it.each([
    ['a string', 'on', 'options must be an object'],
    ['an unknown option', { users: true }, 'unknown option "users"'],
    ['a templated path', { path: '/{x}/stat' }, 'path must be a path'],
    ['a security object', { security: { basicAuth: [] } }, 'security must be a non-empty array'],
    ['an empty security', { security: [] }, 'security must be a non-empty array'],
    ['groups without security', { groups: ['ops'] }, 'groups needs security'],
    ['empty groups', { security: [{ basicAuth: [] }], groups: [] }, 'groups must be a non-empty array'],
    ['a malformed address', { allow: ['10.0.0.300'] }, 'allow: '],
    ['allow as a string', { allow: '10.0.0.0/8' }, 'allow must be an array'],
    ['perUser as a string', { perUser: 'yes' }, 'perUser must be a boolean'],
    ['a zero maxUsers', { maxUsers: 0 }, 'maxUsers must be a whole number'],
    ['a percentile above 100', { percentiles: [50, 101] }, 'percentiles must be an array'],
    ['an empty tag', { tag: '' }, 'tag must be a non-empty string'],
  ])('fails createKernel with BURROW_ERR_BOOT_PLUGIN_OPTIONS on %s', async (_, input, message) => {
    const error = (await createKernel({ contract: EMPTY as never, logger: { level: 'silent' }, plugins: [stats(input as never)] }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toMatch(/^plugin "stats": /);
    expect(error.detail).toContain(message);
  });

  it('reports every bad option at once', () => {
    expect(() => parseStatsOptions({ path: 1, maxUsers: -1 })).toThrow(/path must be a path.*; maxUsers must be a whole number/);
  });

  it('refuses a security requirement naming a scheme the contract does not declare', async () => {
    const error = await createKernel({ contract: EMPTY as never, logger: { level: 'silent' }, plugins: [stats({ security: [{ basicAuth: [] }] })] }).catch((e) => e);
    expect(error.code).toBe('BURROW_ERR_BOOT_CONFORMANCE');
    expect(error.detail).toContain('security names scheme "basicAuth", which components.securitySchemes does not declare');
  });
});
