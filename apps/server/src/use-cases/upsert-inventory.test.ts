import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUseCaseEnv, type UseCaseEnv } from '../testing/use-case-env.js';
import { adjustInventory } from './adjust-inventory.js';
import { placeOrderForUser } from './place-order.js';
import { upsertInventory } from './upsert-inventory.js';
import { testMetrics } from '../testing/test-metrics.js';

let env: UseCaseEnv;
beforeAll(async () => {
  env = await createUseCaseEnv();
});
afterAll(async () => {
  await env.dispose();
});

const deps = () => ({ db: env.db, now: new Date(), metrics: testMetrics() });
const upsert = (sku: string, onHand: number, extra: { name?: string; priceCents?: number } = {}) =>
  upsertInventory(deps(), { actor: 'user:admin', sku, onHand, ...extra });
const movements = (sku: string) =>
  env.db.execute<{ kind: string; on_hand_delta: number; reason: string }[]>(
    `select m.kind, m.on_hand_delta, m.reason from stock_movements m
       join products p on p.id = m.product_id where p.sku = ? order by m.id`,
    [sku],
  );

describe('upsertInventory and adjustInventory', () => {
  it('creates a product once when two admins create it at the same moment', async () => {
    const both = await Promise.all([
      upsert('UP-RACE', 7, { name: 'Race', priceCents: 100 }),
      upsert('UP-RACE', 7, { name: 'Race', priceCents: 100 }),
    ]);
    expect(both.map((r) => r.ok)).toEqual([true, true]);
    expect(await env.stockOf('UP-RACE')).toEqual({ onHand: 7, reserved: 0 });
    expect(await movements('UP-RACE')).toEqual([
      { kind: 'ADJUST', on_hand_delta: 7, reason: 'created' },
    ]);
  });

  it('refuses an unknown SKU without a name and price, and writes nothing', async () => {
    const before = await env.count('products');
    expect(await upsert('UP-NONE', 3)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.PRODUCT_NOT_FOUND' },
    });
    expect(await env.count('products')).toBe(before);
  });

  it('never sets or adjusts the count below what orders hold', async () => {
    await upsert('UP-HELD', 5, { name: 'Held', priceCents: 100 });
    const userId = await env.customer();
    const placed = await placeOrderForUser(
      { ...deps(), orderTtlMs: 60_000, catalogue: null },
      { userId, items: [{ sku: 'UP-HELD', quantity: 4 }] },
    );
    expect(placed.ok).toBe(true);
    expect(await upsert('UP-HELD', 3)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.BELOW_RESERVED', reserved: 4, requestedOnHand: 3 },
    });
    expect(
      await adjustInventory(deps(), {
        actor: 'user:admin',
        sku: 'UP-HELD',
        delta: -2,
        reason: 'x',
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVENTORY.BELOW_RESERVED' } });
    const adjusted = await adjustInventory(deps(), {
      actor: 'user:admin',
      sku: 'UP-HELD',
      delta: -1,
      reason: 'damaged',
    });
    expect(adjusted).toMatchObject({ ok: true, value: { onHand: 4, reserved: 4 } });
    expect((await movements('UP-HELD')).at(-1)).toEqual({
      kind: 'ADJUST',
      on_hand_delta: -1,
      reason: 'damaged',
    });
  });
});
