/**
 * The gauges of a kernel (`kernel.gauges`): states plugins and the app report, read only
 * when asked — by the metrics plugin at each scrape, by the stats plugin for `/stat`.
 */
import type { Logger } from 'winston';
import { createRegistry, type Registry } from '../plugin/registry.js';
import type { GaugeSource } from './types.js';

const GAUGE_NAME = /^[a-z][a-z0-9_]{0,99}$/;

/** The gauges' registry: names that a Prometheus metric name can carry, a help text, a `read` function. */
export function gaugeRegistry(): Registry<GaugeSource> {
  const registry = createRegistry<GaugeSource>('gauge');
  const add = registry.add;
  registry.add = (key, value, owner) => {
    if (!GAUGE_NAME.test(key)) throw new Error(`gauge name ${JSON.stringify(key)}: lower-case letters, digits and _, starting with a letter (it becomes the metric burrow_<name>)`);
    if (typeof value?.read !== 'function' || typeof value.help !== 'string' || !value.help) throw new Error(`gauge "${key}": give { help: 'what it measures', read: () => value }`);
    add(key, value, owner);
  };
  return registry;
}

/**
 * Reads one gauge: its value, or undefined — with a warning on `logger` — when `read` throws,
 * rejects or answers no finite number.
 */
export async function readGauge(name: string, source: GaugeSource, logger: Pick<Logger, 'warn'>): Promise<number | undefined> {
  try {
    const value = await source.read();
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    logger.warn('gauge answered no number', { gauge: name });
  } catch (error) {
    logger.warn('gauge could not be read', { gauge: name, error: error instanceof Error ? error.message : String(error) });
  }
  return undefined;
}
