import { describe, expect, it } from 'vitest';
import { createPasswords, hashPassword } from '../../../plugins/auth/internal/password.js';

// Cheap parameters keep the file fast; one test covers the defaults.
const passwords = createPasswords({ N: 2 ** 10, r: 8, p: 1 });

describe('password hashing (scrypt)', () => {
  it('hashes with the default parameters into scrypt$N$r$p$salt$hash, and verifies it', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const defaults = createPasswords();
    expect(await defaults.verify(hash, 'correct horse')).toBe(true);
    expect(await defaults.verify(hash, 'correct horsf')).toBe(false);
  });

  it('salts every hash: the same password hashes twice to different strings', async () => {
    const [a, b] = await Promise.all([passwords.hash('same'), passwords.hash('same')]);
    expect(a).not.toBe(b);
    expect(await passwords.verify(a, 'same')).toBe(true);
    expect(await passwords.verify(b, 'same')).toBe(true);
  });

  it('rejects a wrong password', async () => {
    expect(await passwords.verify(await passwords.hash('right'), 'wrong')).toBe(false);
  });

  it('reads the parameters from the hash: hashes made with other parameters still verify', async () => {
    const old = await createPasswords({ N: 2 ** 11, r: 4, p: 2, keyLength: 64 }).hash('pw');
    expect(old.split('$').slice(1, 4)).toEqual(['2048', '4', '2']);
    expect(Buffer.from(old.split('$')[5], 'base64url')).toHaveLength(64);
    expect(await passwords.verify(old, 'pw')).toBe(true);
    expect(await passwords.verify(old, 'pW')).toBe(false);
  });

  it('compares passwords as NFC: a decomposed é matches a composed one', async () => {
    const hash = await passwords.hash('caf\u00e9');
    expect(await passwords.verify(hash, 'cafe\u0301')).toBe(true);
  });

  it('answers false for an unknown user (null hash), for any password', async () => {
    expect(await passwords.verify(null, '')).toBe(false);
    expect(await passwords.verify(null, 'anything')).toBe(false);
  });

  it.each([
    ['empty string', ''],
    ['another algorithm', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['too few fields', 'scrypt$1024$8$1$c2FsdHNhbHQ'],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['N above the 2^20 bound', `scrypt$${2 ** 21}$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA`],
    ['r of zero', 'scrypt$1024$0$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['p not a number', 'scrypt$1024$8$x$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['salt not base64url', 'scrypt$1024$8$1$c2Fsd+NhbHRz/Wx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['hash too short', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaA'],
  ])('answers false for a malformed hash (%s)', async (_name, hash) => {
    expect(await passwords.verify(hash, 'pw')).toBe(false);
  });

  it('refuses parameters out of bounds when created', () => {
    expect(() => createPasswords({ N: 1000 })).toThrow(/power of two/);
    expect(() => createPasswords({ N: 2 ** 21 })).toThrow(TypeError);
    expect(() => createPasswords({ keyLength: 16 as 32 })).toThrow(/keyLength/);
  });
});
