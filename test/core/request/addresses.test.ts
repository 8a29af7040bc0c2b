import { describe, expect, it } from 'vitest';
import { addressListProblems, loopbackOr, protectionProblems, securityRequirementProblems } from '../../../core/index.js';

describe('address lists and security requirements as plugin options', () => {
  it('matches loopback and the listed addresses and ranges, and nothing that is not an address', () => {
    const allowed = loopbackOr(['10.0.0.0/8', '2001:db8::/32']);
    expect(['127.0.0.1', '::1', '10.1.2.3', '2001:db8::7'].map(allowed)).toEqual([true, true, true, true]);
    expect(['192.168.1.1', '11.0.0.1', 'unknown', ''].map(allowed)).toEqual([false, false, false, false]);
  });

  it('names the option and the bad entry', () => {
    expect(addressListProblems('allow', ['10.0.0.0/8'])).toEqual([]);
    expect(addressListProblems('allow', 'everyone')[0]).toMatch(/^allow must be an array of addresses/);
    expect(addressListProblems('allow', ['10.0.0.0/99'])[0]).toMatch(/^allow: /);
    expect(securityRequirementProblems('security', [{ basicAuth: [] }])).toEqual([]);
    expect(securityRequirementProblems('security', [])[0]).toMatch(/^security must be a non-empty array/);
    expect(securityRequirementProblems('security', [{ basicAuth: 'admin' }])).toHaveLength(1);
  });

  it('checks the options protecting a contributed operation together', () => {
    expect(protectionProblems({ security: [{ basicAuth: [] }], groups: ['admin'], allow: ['10.0.0.0/8'] })).toEqual([]);
    expect(protectionProblems({ groups: ['admin'] })).toEqual(['groups needs security: groups restrict the callers a security scheme authenticated']);
    expect(protectionProblems({ security: [], allow: 'x' })).toHaveLength(2);
  });
});
