import { describe, expect, it } from 'vitest';
import { createKernel, type BurrowError } from '../../../core/index.js';
import metricsDefault, { metrics } from '../../../plugins/metrics/index.js';
import { METRICS_DEFAULTS, parseMetricsOptions } from '../../../plugins/metrics/options.js';

const EMPTY = { openapi: '3.1.0', info: { title: 'empty', version: '1' }, paths: {} } as const;

describe('metrics options', () => {
  it('defaults to /metrics, loopback only, the process metrics, 1 ms to 10 s buckets', () => {
    expect(parseMetricsOptions(undefined)).toEqual(METRICS_DEFAULTS);
    expect(parseMetricsOptions({})).toEqual(METRICS_DEFAULTS);
    expect(METRICS_DEFAULTS).toMatchObject({ path: '/metrics', security: undefined, allow: [], checkAddress: true, defaultMetrics: true, prefix: '' });
    expect(METRICS_DEFAULTS.buckets[0]).toBe(0.001);
    expect(METRICS_DEFAULTS.buckets.at(-1)).toBe(10);
  });

  it('exports the plugin as default and by name', () => {
    expect(metricsDefault).toBe(metrics);
  });

  it('boots with no options in a kernel without security schemes, twice in a process', async () => {
    const one = await createKernel({ contract: EMPTY as never, logger: { level: 'silent' }, plugins: [metrics()] });
    const two = await createKernel({ contract: EMPTY as never, logger: { level: 'silent' }, plugins: [metrics()] });
    expect((await one.inject('/metrics')).statusCode).toBe(200);
    expect((await two.inject('/metrics')).statusCode).toBe(200);
    await one.close();
    await two.close();
  });

  it.each([
    ['a string', 'on', 'options must be an object'],
    ['an unknown option', { register: {} }, 'unknown option "register"'],
    ['a path with a trailing slash', { path: '/metrics/' }, 'path must be a path'],
    ['a security object', { security: { basicAuth: [] } }, 'security must be a non-empty array'],
    ['groups without security', { groups: ['ops'] }, 'groups needs security'],
    ['a malformed address', { allow: ['not an address'] }, 'allow: '],
    ['defaultMetrics as a string', { defaultMetrics: 'no' }, 'defaultMetrics must be a boolean'],
    ['a prefix with a dash', { prefix: 'my-app_' }, 'prefix must be a Prometheus metric name prefix'],
    ['decreasing buckets', { buckets: [1, 0.5] }, 'buckets must be a non-empty array of increasing'],
    ['a zero bucket', { buckets: [0, 1] }, 'buckets must be a non-empty array of increasing'],
    ['empty buckets', { buckets: [] }, 'buckets must be a non-empty array of increasing'],
    ['an empty tag', { tag: ' ' }, 'tag must be a non-empty string'],
  ])('fails createKernel with BURROW_ERR_BOOT_PLUGIN_OPTIONS on %s', async (_, input, message) => {
    const error = (await createKernel({ contract: EMPTY as never, logger: { level: 'silent' }, plugins: [metrics(input as never)] }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_PLUGIN_OPTIONS');
    expect(error.detail).toMatch(/^plugin "metrics": /);
    expect(error.detail).toContain(message);
  });

  it('reports every bad option at once', () => {
    expect(() => parseMetricsOptions({ path: 1, prefix: '9' })).toThrow(/path must be a path.*; prefix must be/);
  });
});
