/**
 * Verified bearer tokens, kept a short while so that a client reusing its token
 * (the common case) costs a map lookup instead of a signature check per request.
 * Only successes are kept; an entry never outlives the token's own `exp`, nor
 * `ttl`; the map is bounded (the oldest entry goes first).
 */
export class TokenCache<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();

  /**
   * @param max the most tokens kept
   * @param ttlMs the longest an entry is trusted after its check
   */
  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  /** The value of a token checked less than `ttl` ago and not expired since, else undefined. */
  get(token: string, now: number): V | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.until > now) return entry.value;
    this.#entries.delete(token);
    return undefined;
  }

  /** Keeps a verified token's value until `min(now + ttl, expiresAt)` (ms; undefined: no `exp`). */
  set(token: string, value: V, now: number, expiresAt: number | undefined): void {
    const until = Math.min(now + this.ttlMs, expiresAt ?? Infinity);
    if (until <= now || this.max <= 0) return;
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { value, until });
  }

  get size(): number {
    return this.#entries.size;
  }
}
