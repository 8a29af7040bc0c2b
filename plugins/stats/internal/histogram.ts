/**
 * A fixed-size log histogram of latencies in microseconds: 16 buckets per power of two
 * from 1 µs to 2^40 µs (about 12 days), 641 counters in one typed array. A percentile is
 * the upper bound of the bucket it falls in, so it is at most 4.4 % above the true value
 * (and is clamped to the observed min and max). Recording is one `Math.log2` and one
 * increment: no allocation, whatever the number of calls.
 */
const PER_OCTAVE = 16;
const OCTAVES = 40;
const SIZE = PER_OCTAVE * OCTAVES + 1;

export class LogHistogram {
  readonly #counts = new Uint32Array(SIZE);
  #total = 0;

  /** Counts one value (µs; anything below 1 counts as 1). */
  record(micros: number): void {
    const index = micros <= 1 ? 0 : Math.min(SIZE - 1, Math.ceil(Math.log2(micros) * PER_OCTAVE));
    this.#counts[index]!++;
    this.#total++;
  }

  /** How many values were counted. */
  get count(): number {
    return this.#total;
  }

  /**
   * The value under which `percent` % of the values fall (the bucket's upper bound),
   * or `undefined` when nothing was counted.
   */
  percentile(percent: number): number | undefined {
    if (this.#total === 0) return undefined;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.#total));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return 2 ** (i / PER_OCTAVE);
    }
    return 2 ** ((SIZE - 1) / PER_OCTAVE);
  }

  reset(): void {
    this.#counts.fill(0);
    this.#total = 0;
  }
}
