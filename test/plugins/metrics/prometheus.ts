/** The Prometheus text parsed by a real parser (parse-prometheus-text-format), and lookups over it. */
// @ts-expect-error the parser ships no types
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Sample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
export interface Family {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Sample[];
}

export function parse(text: string): Family[] {
  return (parsePrometheusTextFormat as (text: string) => Family[])(text);
}

/** The family named `name` (throws when absent). */
export function family(families: Family[], name: string): Family {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name} in ${families.map((f) => f.name).join(', ')}`);
  return found;
}

/** The sample of a family whose labels include `labels`. */
export function sample(families: Family[], name: string, labels: Record<string, string> = {}): Sample | undefined {
  return family(families, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** The value of a counter or gauge sample, as a number (0 when absent). */
export function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const found = sample(families, name, labels);
  return found ? Number(found.value) : 0;
}

/**
 * One labelled series of a histogram, parsed by the real parser. parse-prometheus-text-format
 * flattens every series of a histogram into one and drops the `_sum` and `_count` of
 * labelled ones, so the series is cut out of the text first (its bucket, sum and count
 * lines, keeping only the `le` label), then parsed as an unlabelled histogram.
 */
export function histogramSeries(text: string, name: string, labels: Record<string, string>): Required<Pick<Sample, 'buckets' | 'count' | 'sum'>> {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (line === `# TYPE ${name} histogram`) kept.push(line);
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || ![`${name}_bucket`, `${name}_sum`, `${name}_count`].includes(match[1]!)) continue;
    const pairs = match[2]!.split(',');
    if (!wanted.every((pair) => pairs.includes(pair))) continue;
    const le = pairs.find((pair) => pair.startsWith('le='));
    kept.push(`${match[1]}${le ? `{${le}}` : ''} ${match[3]}`);
  }
  const [series] = family(parse(kept.join('\n') + '\n'), name).metrics;
  if (!series?.buckets || series.count === undefined || series.sum === undefined) throw new Error(`no series ${JSON.stringify(labels)} of ${name}`);
  return series as Required<Pick<Sample, 'buckets' | 'count' | 'sum'>>;
}
