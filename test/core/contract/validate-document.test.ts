import { existsSync, mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract, type BurrowError } from '../../../core/index.js';
import { contractCacheKey } from '../../../core/contract/validate-document.js';

const doc = (title: string, extra: Record<string, unknown> = {}) => ({ openapi: '3.0.3', info: { title, version: '1' }, paths: {}, ...extra });

describe('contract cache', () => {
  it('remembers a valid contract by its hash', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-cache-'));
    await loadContract(doc(`valid ${dir}`), { cache: dir });
    expect(readdirSync(path.join(dir, 'contracts'))).toHaveLength(1);
  });

  it('never remembers an invalid contract', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-cache-'));
    await expect(loadContract(doc(`invalid ${dir}`, { paths: { 'no-slash': {} } }), { cache: dir })).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_CONTRACT_INVALID' });
    expect(existsSync(path.join(dir, 'contracts'))).toBe(false);
  });

  it('skips the schema check when the cache holds the hash, and checks again without the cache', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-cache-'));
    // An invalid document whose hash was (wrongly) marked valid by hand: the cache is trusted.
    const invalid = doc(`planted ${dir}`, { paths: { 'no-slash': {} } });
    mkdirSync(path.join(dir, 'contracts'), { recursive: true });
    writeFileSync(path.join(dir, 'contracts', `${contractCacheKey(invalid)}.json`), JSON.stringify({ valid: true }));
    await expect(loadContract(invalid, { cache: dir })).resolves.toMatchObject({ version: '3.0' });
    const error = (await loadContract(doc(`planted ${dir}`, { paths: { 'no-slash': {} } }), { cache: false }).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_INVALID');
  });

  it('ignores a corrupt cache entry', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burrow-cache-'));
    const invalid = doc(`corrupt ${dir}`, { paths: { 'no-slash': {} } });
    mkdirSync(path.join(dir, 'contracts'), { recursive: true });
    writeFileSync(path.join(dir, 'contracts', `${contractCacheKey(invalid)}.json`), '{not json');
    await expect(loadContract(invalid, { cache: dir })).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_CONTRACT_INVALID' });
  });
});
