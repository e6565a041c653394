import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, SCRYPT_PARAMS, userNameProblem, verifyPassword } from './passwords.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('stores its parameters and a fresh salt with every hash, never the password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    const { N, r, p } = SCRYPT_PARAMS;
    expect(a).toMatch(new RegExp(`^scrypt\\$N=${N},r=${r},p=${p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
  });

  it('verifies a hash made with other parameters, as raising them later leaves older hashes', async () => {
    const older = await hashPassword('correct horse battery staple', { N: 2 ** 14, r: 8, p: 1 });
    expect(older).toContain('$N=16384,r=8,p=1$');
    expect(await verifyPassword('correct horse battery staple', older)).toBe(true);
  });

  it('treats the same text in either Unicode form as one password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait, merci');
    expect(await verifyPassword('cafe\u0301 au lait, merci', stored)).toBe(true);
  });

  it('refuses a hash it cannot read, or whose cost would be a denial of service', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', 'plain text')).toBe(false);
    expect(await verifyPassword('correct horse battery staple', stored.replace('N=32768', 'N=4194304'))).toBe(false);
    expect(await verifyPassword('correct horse battery staple', stored.slice(0, -2))).toBe(false);
  });

  it('says why a password or a user name is refused', () => {
    expect(passwordProblem('short')).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(1025))).toBe('must be at most 1024 characters');
    expect(passwordProblem('twelve chars')).toBeUndefined();
    expect(userNameProblem('ana.lopez@example.org')).toBeUndefined();
    expect(userNameProblem('has space')).toMatch(/letters, digits/);
  });
});
