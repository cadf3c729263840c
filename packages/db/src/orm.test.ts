import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing/test-db.js';
import { initOrm, migrate, type Orm } from './orm.js';

describe('initOrm and migrate', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm({ clientUrl: db.url, poolMax: 2 });
  });
  afterAll(async () => {
    await orm.close(true);
    await db.dispose();
  });

  it('applies every migration once and nothing on the second run', async () => {
    const first = await migrate(orm);
    expect(first).toContain('Migration20261125000000_users');
    expect(await migrate(orm)).toEqual([]);
  });

  it('refuses an email that is not normalised, through a CHECK constraint', async () => {
    const insert = orm.em
      .getConnection()
      .execute(
        `insert into users (id, email, role, password_hash) values (gen_random_uuid(), 'Mixed@Case.io', 'CUSTOMER', 'x')`,
      );
    await expect(insert).rejects.toThrow(/users_email_normalized/);
  });

  it('refuses a role outside CUSTOMER and ADMIN', async () => {
    const insert = orm.em
      .getConnection()
      .execute(
        `insert into users (id, email, role, password_hash) values (gen_random_uuid(), 'r@x.io', 'ROOT', 'x')`,
      );
    await expect(insert).rejects.toThrow(/users_role_known/);
  });
});
