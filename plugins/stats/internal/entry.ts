/**
 * The counters of one statistics entry (an operation, a service method, a resource
 * action, a user, a group, the totals): like mORMot's `TSynMonitorInputOutput`, calls,
 * errors by status class, latency min/avg/max and percentiles, bytes in and out, and the
 * time of the first and last call. Fixed size: recording allocates nothing.
 */
import { LogHistogram } from './histogram.js';

/** An entry as `GET /stat` answers it. */
export interface EntryView {
  calls: number;
  /** Responses with a 4xx or 5xx status. */
  errors: number;
  /** Responses by status class (`2xx`, `4xx`…), the classes seen only. */
  statusClasses: Record<string, number>;
  /** Milliseconds from the request's arrival to the end of its response (µs precision). */
  latencyMs: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  /** ISO times of the first and last call (absent before any call). */
  firstCall?: string;
  lastCall?: string;
}

export class StatEntry {
  calls = 0;
  /** Index 1..5: 1xx..5xx; 0: a status outside 100..599. */
  readonly classes = new Float64Array(6);
  minMicros = Infinity;
  maxMicros = 0;
  totalMicros = 0;
  bytesIn = 0;
  bytesOut = 0;
  firstCall = 0;
  lastCall = 0;
  readonly histogram = new LogHistogram();

  record(statusClass: number, micros: number, bytesIn: number, bytesOut: number, now: number): void {
    if (this.calls++ === 0) this.firstCall = now;
    this.lastCall = now;
    this.classes[statusClass]!++;
    if (micros < this.minMicros) this.minMicros = micros;
    if (micros > this.maxMicros) this.maxMicros = micros;
    this.totalMicros += micros;
    this.histogram.record(micros);
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
  }

  view(percentiles: readonly number[]): EntryView {
    const statusClasses: Record<string, number> = {};
    for (let i = 0; i < 6; i++) if (this.classes[i]) statusClasses[i === 0 ? 'other' : `${i}xx`] = this.classes[i]!;
    const latencyMs: Record<string, number> = {};
    if (this.calls) {
      latencyMs.min = ms(this.minMicros);
      latencyMs.avg = ms(this.totalMicros / this.calls);
      latencyMs.max = ms(this.maxMicros);
      for (const p of percentiles) {
        // A bucket's bound may pass the extremes seen: clamp it to them.
        latencyMs[`p${p}`] = ms(Math.min(this.maxMicros, Math.max(this.minMicros, this.histogram.percentile(p)!)));
      }
    }
    const view: EntryView = {
      calls: this.calls,
      errors: this.classes[4]! + this.classes[5]!,
      statusClasses,
      latencyMs,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
    if (this.calls) {
      view.firstCall = new Date(this.firstCall).toISOString();
      view.lastCall = new Date(this.lastCall).toISOString();
    }
    return view;
  }
}

const ms = (micros: number) => Math.round(micros) / 1000;
