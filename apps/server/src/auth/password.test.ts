import { describe, expect, it } from 'vitest';
import { hashPassword, timingDecoyHash, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('hashes with argon2id at m=19456, t=2, p=1 and verifies the same password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
  });

  it('refuses another password and a malformed hash without throwing', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword(hash, 'Correct horse battery')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });

  it('salts: the same password never hashes the same twice', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('keeps one decoy hash for unknown emails, matching no password', async () => {
    const decoy = await timingDecoyHash();
    expect(await timingDecoyHash()).toBe(decoy);
    expect(await verifyPassword(decoy, '')).toBe(false);
  });
});
