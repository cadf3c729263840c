import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { createUserRepository } from './user.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const newUser = (email: string) => ({
  email,
  name: 'N',
  role: 'CUSTOMER' as const,
  passwordHash: 'hash-of-' + email,
  createdAt: new Date('2026-01-01T00:00:00Z'),
});

describe('the user repository', () => {
  it('inserts a user and finds it by id, without the hash in the record', async () => {
    const users = createUserRepository(db.orm.em.fork());
    const created = await users.insert(newUser('a@example.com'));
    expect(created).not.toBeNull();
    const found = await createUserRepository(db.orm.em.fork()).findById(created?.id ?? '');
    expect(found).toEqual(created);
    expect(Object.keys(found ?? {})).not.toContain('passwordHash');
  });

  it('answers null when the email is taken, decided by the unique constraint', async () => {
    await createUserRepository(db.orm.em.fork()).insert(newUser('taken@example.com'));
    const second = await createUserRepository(db.orm.em.fork()).insert(
      newUser('taken@example.com'),
    );
    expect(second).toBeNull();
  });

  it('lets exactly one of many concurrent sign-ups with one email win', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () =>
        createUserRepository(db.orm.em.fork()).insert(newUser('race@example.com')),
      ),
    );
    expect(attempts.filter((u) => u !== null)).toHaveLength(1);
  });

  it('gives the hash only through findCredentialsByEmail', async () => {
    await createUserRepository(db.orm.em.fork()).insert(newUser('cred@example.com'));
    const credentials = await createUserRepository(db.orm.em.fork()).findCredentialsByEmail(
      'cred@example.com',
    );
    expect(credentials?.passwordHash).toBe('hash-of-cred@example.com');
    expect(credentials?.user.email).toBe('cred@example.com');
  });

  it('promotes an existing account to ADMIN and replaces its password', async () => {
    const users = createUserRepository(db.orm.em.fork());
    const customer = await users.insert(newUser('boss@example.com'));
    const admin = await createUserRepository(db.orm.em.fork()).upsertAdmin({
      email: 'boss@example.com',
      name: 'Boss',
      passwordHash: 'admin-hash',
      createdAt: new Date(),
    });
    expect(admin.id).toBe(customer?.id);
    expect(admin.role).toBe('ADMIN');
    const credentials = await createUserRepository(db.orm.em.fork()).findCredentialsByEmail(
      'boss@example.com',
    );
    expect(credentials?.passwordHash).toBe('admin-hash');
  });

  it('creates the admin when there is none', async () => {
    const admin = await createUserRepository(db.orm.em.fork()).upsertAdmin({
      email: 'root@example.com',
      name: 'Root',
      passwordHash: 'h',
      createdAt: new Date(),
    });
    expect(admin).toMatchObject({ email: 'root@example.com', role: 'ADMIN', name: 'Root' });
  });
});
