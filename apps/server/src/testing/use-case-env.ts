import { randomUUID } from 'node:crypto';
import { createUserRepository } from '@orders/db';
import { createMigratedTestDatabase } from '@orders/db/testing';
import { pino } from 'pino';
import type { AppServices } from '../trpc/context.js';
import { createCallerFactory } from '../trpc/init.js';
import { createContextInner } from '../trpc/context.js';
import { appRouter } from '../router.js';
import { upsertInventory } from '../use-cases/upsert-inventory.js';
import { testMetrics } from './test-metrics.js';

/**
 * A fresh migrated database for calling use cases directly: no server, no HTTP. `dispose` drops
 * it. Users and products are made as production makes them (the user repository, the upsert use
 * case), so the foreign keys and stock movements are real.
 */
export async function createUseCaseEnv() {
  const test = await createMigratedTestDatabase();
  const { database: db, orm } = test;
  return {
    db,
    orm,
    /** A new customer's id. */
    async customer(): Promise<string> {
      const user = await createUserRepository(orm.em.fork()).insert({
        email: `c-${randomUUID()}@test.local`,
        name: 'Customer',
        role: 'CUSTOMER',
        passwordHash: 'not-a-real-hash',
        createdAt: new Date(),
      });
      if (user === null) throw new Error('customer not created');
      return user.id;
    },
    /** A product, created (or set) as an admin would. */
    async stock(sku: string, onHand: number, priceCents = 1000): Promise<void> {
      const done = await upsertInventory(
        { db, now: new Date(), metrics: testMetrics() },
        { actor: 'system', sku, name: `Product ${sku}`, priceCents, onHand },
      );
      if (!done.ok) throw new Error(`stocking ${sku}: ${done.error.code}`);
    },
    /** A product's stock as stored now. */
    async stockOf(sku: string): Promise<{ onHand: number; reserved: number }> {
      const rows = await db.execute<{ on_hand: number; reserved: number }[]>(
        'select on_hand, reserved from products where sku = ?',
        [sku],
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`no product ${sku}`);
      return { onHand: row.on_hand, reserved: row.reserved };
    },
    /** Rows in a table, to show what a refused call did not write. */
    async count(table: string): Promise<number> {
      if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table: ${table}`);
      const rows = await db.execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
      return rows[0]?.n ?? 0;
    },
    dispose: () => test.dispose(),
  };
}

export type UseCaseEnv = Awaited<ReturnType<typeof createUseCaseEnv>>;

/** A silent logger for use cases and engines under test. */
export const silentLogger = pino({ level: process.env.TEST_LOG ?? 'silent' });

/**
 * The router's procedures called in-process (`createCaller`), as a user of the given role — the
 * tRPC starter's way: no HTTP, the real middlewares, validation and error mapping.
 */
export function callerFor(
  services: AppServices,
  user?: { readonly userId: string; readonly role: 'CUSTOMER' | 'ADMIN' },
) {
  const createCaller = createCallerFactory(appRouter);
  return createCaller(
    createContextInner({
      services,
      ...(user === undefined ? {} : { caller: { kind: 'user', subject: user } }),
    }),
  );
}
