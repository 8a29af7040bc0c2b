import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../../plugins/auth/internal/token-cache.js';

describe('the verified-token cache', () => {
  it('keeps a token until its ttl', () => {
    const cache = new TokenCache<string>(10, 60_000);
    cache.set('t', 'ada', 1_000, undefined);
    expect(cache.get('t', 60_999)).toBe('ada');
    expect(cache.get('t', 61_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never keeps a token beyond its own expiry', () => {
    const cache = new TokenCache<string>(10, 60_000);
    cache.set('t', 'ada', 1_000, 5_000);
    expect(cache.get('t', 4_999)).toBe('ada');
    expect(cache.get('t', 5_000)).toBeUndefined();
    cache.set('old', 'bob', 10_000, 9_000);
    expect(cache.get('old', 10_000)).toBeUndefined();
  });

  it('is bounded: the oldest token goes first', () => {
    const cache = new TokenCache<number>(2, 60_000);
    cache.set('a', 1, 0, undefined);
    cache.set('b', 2, 0, undefined);
    cache.set('c', 3, 0, undefined);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, 2, 3]);
  });
});
