import { describe, expect, it } from 'vitest';
import { createPasswords } from '../../../plugins/auth/internal/password.js';
import { memoryUsers } from '../../../plugins/auth/internal/stores/memory-users.js';

// One real hash (default cost) for the whole file: the lazy hashing of a plain password.
const passwords = createPasswords();

describe('memoryUsers', () => {
  it('hashes a plain password (scrypt) on first use, and keeps no clear text', async () => {
    const users = memoryUsers([{ id: '1', name: 'ada', password: 'ada-pass', groups: ['member'] }]);
    const ada = (await users.findByName('ada'))!;
    expect(ada).toEqual({ id: '1', name: 'ada', passwordHash: expect.stringMatching(/^scrypt\$32768\$8\$1\$/), groups: ['member'] });
    expect(await passwords.verify(ada.passwordHash, 'ada-pass')).toBe(true);
    expect(JSON.stringify(ada)).not.toContain('ada-pass');
    expect((await users.findById('1'))!.passwordHash).toBe(ada.passwordHash); // hashed once
  });

  it('keeps a given hash as it is, and a user without a password with passwordHash null', async () => {
    const users = memoryUsers([{ name: 'bob', passwordHash: 'scrypt$1024$8$1$abc$def' }, { name: 'robot' }]);
    expect((await users.findByName('bob'))!.passwordHash).toBe('scrypt$1024$8$1$abc$def');
    expect(await users.findByName('robot')).toMatchObject({ passwordHash: null, groups: [], id: expect.any(String) });
  });

  it('keeps the disabled flag', async () => {
    expect((await memoryUsers([{ name: 'gone', disabled: true }]).findByName('gone'))!.disabled).toBe(true);
  });

  it('answers undefined for an unknown name or id; names are case-sensitive', async () => {
    const users = memoryUsers([{ id: '1', name: 'ada' }]);
    expect(await users.findByName('nobody')).toBeUndefined();
    expect(await users.findByName('ADA')).toBeUndefined();
    expect(await users.findById('2')).toBeUndefined();
  });

  it('hands out copies: changing a record read does not change the store', async () => {
    const users = memoryUsers([{ name: 'ada', groups: ['member'] }]);
    const ada = (await users.findByName('ada'))!;
    ada.groups.push('admin');
    ada.passwordHash = 'x';
    expect(await users.findByName('ada')).toMatchObject({ groups: ['member'], passwordHash: null });
  });

  it('creates users (the seeded admin) and counts them', async () => {
    const users = memoryUsers([{ name: 'ada' }]);
    const admin = await users.create({ name: 'admin', passwordHash: 'scrypt$h', groups: ['admin'] });
    expect(await users.findById(admin.id)).toEqual(admin);
    expect(await users.count()).toBe(2);
    await expect(users.create({ name: 'admin', passwordHash: null, groups: [] })).rejects.toThrow(/given twice/);
  });

  it('refuses a list with a name twice, an id twice, a user without a name, or both password and hash', () => {
    expect(() => memoryUsers([{ name: 'a' }, { name: 'a' }])).toThrow(/"a" is given twice/);
    expect(() => memoryUsers([{ id: '1', name: 'a' }, { id: '1', name: 'b' }])).toThrow(/id "1" is given twice/);
    expect(() => memoryUsers([{ name: '' }])).toThrow(/non-empty name/);
    expect(() => memoryUsers([{ name: 'a', password: 'p', passwordHash: 'h' }])).toThrow(/both password and passwordHash/);
  });
});
