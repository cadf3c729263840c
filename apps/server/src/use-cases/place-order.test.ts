import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogueMemory } from '../fast-paths/catalogue-memory.js';
import { createUseCaseEnv, type UseCaseEnv } from '../testing/use-case-env.js';
import { placeOrderForUser, type PlaceOrderDeps } from './place-order.js';
import { testMetrics } from '../testing/test-metrics.js';

let env: UseCaseEnv;
let userId: string;
let deps: PlaceOrderDeps;
beforeAll(async () => {
  env = await createUseCaseEnv();
  userId = await env.customer();
  deps = {
    db: env.db,
    now: new Date(),
    orderTtlMs: 60_000,
    catalogue: createCatalogueMemory(),
    metrics: testMetrics(),
  };
});
afterAll(async () => {
  await env.dispose();
});

const place = (items: { sku: string; quantity: number }[], idempotencyKey?: string) =>
  placeOrderForUser(deps, { userId, items, idempotencyKey });

describe('placeOrderForUser', () => {
  it('prices the order from the catalogue and reserves every line, in one transaction', async () => {
    await env.stock('PO-A', 5, 250);
    await env.stock('PO-B', 5, 100);
    const placed = await place([
      { sku: 'PO-B', quantity: 2 },
      { sku: 'PO-A', quantity: 1 },
    ]);
    expect(placed).toMatchObject({
      ok: true,
      value: {
        status: 'PENDING',
        total: { amountCents: 450 },
        lines: [{ sku: 'PO-B' }, { sku: 'PO-A' }],
      },
    });
    expect(await env.stockOf('PO-A')).toEqual({ onHand: 5, reserved: 1 });
    expect(await env.stockOf('PO-B')).toEqual({ onHand: 5, reserved: 2 });
  });

  it('refuses a short line with what is available, writing nothing — not even the key', async () => {
    await env.stock('PO-C', 2);
    const before = await Promise.all(
      ['orders', 'stock_movements', 'idempotency_keys'].map((table) => env.count(table)),
    );
    const refused = await place(
      [
        { sku: 'PO-A', quantity: 1 },
        { sku: 'PO-C', quantity: 3 },
      ],
      'short-key',
    );
    expect(refused).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INSUFFICIENT_STOCK', sku: 'PO-C', requested: 3, available: 2 },
    });
    const after = await Promise.all(
      ['orders', 'stock_movements', 'idempotency_keys'].map((table) => env.count(table)),
    );
    expect(after).toEqual(before);
    expect(await env.stockOf('PO-A')).toEqual({ onHand: 5, reserved: 1 });
  });

  it('replays the order a key made, and refuses the key for a different request', async () => {
    const first = await place([{ sku: 'PO-A', quantity: 1 }], 'key-1');
    const again = await place([{ sku: 'PO-A', quantity: 1 }], 'key-1');
    expect(first.ok && again.ok && again.value.id).toBe(first.ok && first.value.id);
    expect(await place([{ sku: 'PO-A', quantity: 2 }], 'key-1')).toMatchObject({
      ok: false,
      error: { code: 'IDEMPOTENCY.KEY_REUSED' },
    });
    expect(await env.stockOf('PO-A')).toEqual({ onHand: 5, reserved: 2 });
  });

  it('refuses an unknown SKU and a duplicate SKU, as core decides', async () => {
    expect(await place([{ sku: 'NOPE', quantity: 1 }])).toMatchObject({
      ok: false,
      error: { code: 'ORDER.UNKNOWN_SKU', sku: 'NOPE' },
    });
    expect(
      await place([
        { sku: 'PO-A', quantity: 1 },
        { sku: 'PO-A', quantity: 1 },
      ]),
    ).toMatchObject({ ok: false, error: { code: 'ORDER.DUPLICATE_SKU' } });
  });

  it('places from memory at the price the catalogue has now, whatever was remembered', async () => {
    await env.stock('PO-D', 5, 100);
    expect(await place([{ sku: 'PO-D', quantity: 1 }])).toMatchObject({
      ok: true,
      value: { total: { amountCents: 100 } },
    });
    await env.stock('PO-D', 5, 120); // a price change the memory has not seen
    expect(await place([{ sku: 'PO-D', quantity: 1 }])).toMatchObject({
      ok: true,
      value: { total: { amountCents: 120 }, lines: [{ unitPriceCents: 120 }] },
    });
    expect(await env.stockOf('PO-D')).toEqual({ onHand: 5, reserved: 2 });
  });
});
