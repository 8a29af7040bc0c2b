import { describe, expect, it } from 'vitest';
import { createKernel, type BurrowError } from '../../../core/index.js';
import healthDefault, { health } from '../../../plugins/health/index.js';
import { HEALTH_DEFAULTS, parseHealthOptions } from '../../../plugins/health/options.js';
import { FIXTURE, fixtureHandlers } from '../../helpers.js';

describe('health options', () => {
  it('defaults to /health, 2000 ms and the tag health', () => {
    expect(parseHealthOptions(undefined)).toEqual({ path: '/health', timeout: 2000, tag: 'health' });
    expect(parseHealthOptions({})).toEqual(HEALTH_DEFAULTS);
    expect(parseHealthOptions({ path: '/ops/health', timeout: 50, tag: 'ops' })).toEqual({ path: '/ops/health', timeout: 50, tag: 'ops' });
  });

  it('exports the plugin as default and by name', () => {
    expect(healthDefault).toBe(health);
  });

  it.each([
    ['a string', 'fast', 'options must be an object'],
    ['null', null, 'options must be an object'],
    ['an unknown option', { timeoutMs: 5 }, 'unknown option "timeoutMs"'],
    ['a path without a leading slash', { path: 'health' }, 'path must be a path'],
    ['a path with a trailing slash', { path: '/health/' }, 'path must be a path'],
    ['a templated path', { path: '/{v}/health' }, 'path must be a path'],
    ['a zero timeout', { timeout: 0 }, 'timeout must be a whole number'],
    ['a fractional timeout', { timeout: 1.5 }, 'timeout must be a whole number'],
    ['a timeout as a string', { timeout: '50' }, 'timeout must be a whole number'],
    ['an empty tag', { tag: ' ' }, 'tag must be a non-empty string'],
  ])('fails createKernel with BURROW_ERR_BOOT_PLUGIN_OPTIONS on %s, naming the plugin', async (_, input, message) => {
    const error = (await createKernel({ contract: FIXTURE, handlers: fixtureHandlers, logger: { level: 'silent' }, plugins: [health(input as never)] }).catch(
      (e) => e,
    )) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toMatch(/^plugin "health": /);
    expect(error.detail).toContain(message);
  });

  it('reports every bad option at once', () => {
    expect(() => parseHealthOptions({ path: 1, timeout: -1 })).toThrow(/path must be a path.*; timeout must be a whole number/);
  });
});
