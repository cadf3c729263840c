import {
  asSku,
  err,
  ok,
  refundableCents,
  restockableQuantity,
  type Order,
  type RefundHold,
} from '@orders/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../database.js';
import type { StoredPayment } from '../payments/payment.mapper.js';
import { barrier } from '../testing/barrier.js';
import {
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  startTestPayment,
} from '../testing/order-fixtures.js';
import { failTestRefund, holdsOf, refundOf } from '../testing/refund-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import type { StoredRefund } from './refund.mapper.js';
import { createRefundStatements } from './refund.repository.js';

// The database's own guards on a refund — the cap on the payment, the restock limit on each
// line — asked directly, with no core deciding first (in the server the order's lock lets core
// refuse before they are reached): they must refuse by themselves and write nothing.

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
  await insertTestProducts(db.database, [
    { sku: 'HOLD-A', onHand: 1_000, priceCents: 1_000 },
    { sku: 'HOLD-B', onHand: 1_000, priceCents: 1_000 },
  ]);
});
afterAll(async () => {
  await db.dispose();
});

// Transactions open at the same time need a real server: PGlite runs one at a time.
const onServer = Boolean(process.env.TEST_DATABASE_URL);

const A = asSku('HOLD-A');
const B = asSku('HOLD-B');

/**
 * An order of 3 HOLD-A and 2 HOLD-B, 5,000 cents, with its payment. The guards read only the
 * payment's capture and the order's lines (whether the payment may be refunded at all is core's
 * to say), so a payment still PROCESSING serves.
 */
async function orderWithPayment(): Promise<{ order: Order; payment: StoredPayment }> {
  const order = await placeTestOrder(db.database, await insertTestUser(db.orm), [
    { sku: 'HOLD-A', quantity: 3 },
    { sku: 'HOLD-B', quantity: 2 },
  ]);
  return { order, payment: await startTestPayment(db.database, order) };
}

function create(refund: StoredRefund) {
  return db.database.transaction((tx) => tx.commitWith(createRefundStatements(refund)));
}

describe('createRefundStatements', () => {
  it('holds refunds up to exactly the capture and refuses a cent more as over-cap, writing nothing', async () => {
    const { order, payment } = await orderWithPayment();
    expect(await create(refundOf(order, payment, 3_000))).toEqual(ok(undefined));
    const before = await holdsOf(db.database, payment);
    expect(before).toMatchObject({ heldCents: 3_000, refunds: 1 });

    expect(await create(refundOf(order, payment, 2_001))).toEqual(err({ kind: 'over-cap' }));
    expect(await holdsOf(db.database, payment)).toEqual(before);

    expect(await create(refundOf(order, payment, 2_000))).toEqual(ok(undefined));
    expect(await holdsOf(db.database, payment)).toMatchObject({ heldCents: 5_000, refunds: 2 });
    expect(await create(refundOf(order, payment, 1))).toEqual(err({ kind: 'over-cap' }));
    expect(await holdsOf(db.database, payment)).toMatchObject({ heldCents: 5_000, refunds: 2 });
  });

  it('refuses a restock past what a line bought less other refunds’ restock as over-restock, naming the SKU, writing nothing', async () => {
    const { order, payment } = await orderWithPayment();
    const first = refundOf(order, payment, 100, [{ sku: A, quantity: 2 }]);
    expect(await create(first)).toEqual(ok(undefined));
    const before = await holdsOf(db.database, payment);
    expect(before).toEqual({
      heldCents: 100,
      restockHeld: { 'HOLD-A': 2, 'HOLD-B': 0 },
      refunds: 1,
    });

    const overA = refundOf(order, payment, 100, [{ sku: A, quantity: 2 }]);
    expect(await create(overA)).toEqual(err({ kind: 'over-restock', sku: 'HOLD-A' }));
    // A line that fits beside one that does not: neither is held, nor the amount.
    const overB = refundOf(order, payment, 100, [
      { sku: A, quantity: 1 },
      { sku: B, quantity: 3 },
    ]);
    expect(await create(overB)).toEqual(err({ kind: 'over-restock', sku: 'HOLD-B' }));
    expect(await holdsOf(db.database, payment)).toEqual(before);

    const upToTheLimit = refundOf(order, payment, 100, [
      { sku: A, quantity: 1 },
      { sku: B, quantity: 2 },
    ]);
    expect(await create(upToTheLimit)).toEqual(ok(undefined));
    expect(await holdsOf(db.database, payment)).toEqual({
      heldCents: 200,
      restockHeld: { 'HOLD-A': 3, 'HOLD-B': 2 },
      refunds: 2,
    });
  });

  it('refuses over the cap before it looks at the restock', async () => {
    const { order, payment } = await orderWithPayment();
    const both = refundOf(order, payment, 5_001, [{ sku: A, quantity: 4 }]);
    expect(await create(both)).toEqual(err({ kind: 'over-cap' }));
    expect(await holdsOf(db.database, payment)).toEqual({
      heldCents: 0,
      restockHeld: { 'HOLD-A': 0, 'HOLD-B': 0 },
      refunds: 0,
    });
  });

  it('holds a refund again once a FAILED one gave its amount and restock back', async () => {
    const { order, payment } = await orderWithPayment();
    const whole = refundOf(order, payment, 5_000, [{ sku: A, quantity: 3 }]);
    expect(await create(whole)).toEqual(ok(undefined));
    const again = () => refundOf(order, payment, 5_000, [{ sku: A, quantity: 3 }]);
    expect(await create(again())).toEqual(err({ kind: 'over-cap' }));

    await failTestRefund(db.database, whole.id);
    expect(await holdsOf(db.database, payment)).toMatchObject({
      heldCents: 0,
      restockHeld: { 'HOLD-A': 0, 'HOLD-B': 0 },
    });
    expect(await create(again())).toEqual(ok(undefined));
    expect(await holdsOf(db.database, payment)).toEqual({
      heldCents: 5_000,
      restockHeld: { 'HOLD-A': 3, 'HOLD-B': 0 },
      refunds: 2,
    });
  });

  it('admits, of many concurrent refunds of one payment, exactly as many as its capture holds', async () => {
    const { order, payment } = await orderWithPayment();
    const refunds = 12; // of 1,000 cents each, against 5,000
    // On a server every refund holds an open transaction before any of them writes, so the holds
    // truly contend for the payment's row; PGlite runs them one by one.
    const racing = onServer ? createDatabase({ url: db.url, poolMax: refunds }) : db.database;
    const allOpen = barrier(onServer ? refunds : 1);
    try {
      const results = await Promise.all(
        Array.from({ length: refunds }, () =>
          racing.transaction(async (tx) => {
            await tx.execute('select 1');
            if (onServer) await allOpen();
            return tx.commitWith(createRefundStatements(refundOf(order, payment, 1_000)));
          }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok)).toEqual(Array(7).fill(err({ kind: 'over-cap' })));
      expect(await holdsOf(db.database, payment)).toMatchObject({ heldCents: 5_000, refunds: 5 });
    } finally {
      if (racing !== db.database) await racing.close();
    }
  });
});

describe('the refund holds in SQL', () => {
  type Step =
    | { readonly kind: 'refund'; readonly amountCents: number; readonly restockA: number }
    | { readonly kind: 'fail'; readonly pick: number };
  const refundStep = fc.record({
    kind: fc.constant('refund' as const),
    // Anything up to just past the capture, and often its edges.
    amountCents: fc.oneof(
      fc.integer({ min: 1, max: 5_001 }),
      fc.constantFrom(1, 1_000, 2_500, 4_999, 5_000, 5_001),
    ),
    restockA: fc.integer({ min: 0, max: 4 }),
  });
  const failStep = fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() });
  const stepsArb = fc.array(
    fc.oneof({ weight: 3, arbitrary: refundStep }, { weight: 1, arbitrary: failStep }),
    { minLength: 1, maxLength: 8 },
  );
  const refund = (amountCents: number, restockA = 0): Step => ({
    kind: 'refund',
    amountCents,
    restockA,
  });

  it('ties the holds to core’s refundableCents and restockableQuantity: whatever refunds come and later fail, the database admits one exactly when core says it fits, and holds what core counts', async () => {
    await fc.assert(
      fc.asyncProperty(stepsArb, async (steps: readonly Step[]) => {
        const { order, payment } = await orderWithPayment();
        const lineA = order.lines.find((l) => l.sku === A);
        if (lineA === undefined) throw new Error('no HOLD-A line');
        const holds: (RefundHold & { readonly id: string })[] = [];
        for (const step of steps) {
          if (step.kind === 'fail') {
            const open = holds.filter((h) => h.status !== 'FAILED');
            const failing = open[step.pick % Math.max(1, open.length)];
            if (failing === undefined) continue;
            await failTestRefund(db.database, failing.id);
            holds[holds.indexOf(failing)] = { ...failing, status: 'FAILED' };
          } else {
            const restock = step.restockA > 0 ? [{ sku: A, quantity: step.restockA }] : [];
            const asked = refundOf(order, payment, step.amountCents, restock);
            const expected =
              step.amountCents > refundableCents(payment.amount, holds)
                ? err({ kind: 'over-cap' })
                : step.restockA > restockableQuantity(lineA, holds)
                  ? err({ kind: 'over-restock', sku: 'HOLD-A' })
                  : ok(undefined);
            expect(await create(asked)).toEqual(expected);
            if (expected.ok) holds.push(asked);
          }
          expect(await holdsOf(db.database, payment)).toEqual({
            heldCents: payment.amount.amountCents - refundableCents(payment.amount, holds),
            restockHeld: {
              'HOLD-A': lineA.quantity - restockableQuantity(lineA, holds),
              'HOLD-B': 0,
            },
            refunds: holds.length,
          });
        }
      }),
      {
        numRuns: 60,
        // The edges, every run: the whole capture and a cent more; a failed refund's amount and
        // restock taken again; a restock past the line alone.
        examples: [
          [[refund(5_000), refund(1)]],
          [[refund(5_000, 3), { kind: 'fail', pick: 0 }, refund(5_000, 3)]],
          [[refund(4_999), refund(1), refund(1)]],
          [[refund(1, 4)]],
          [[refund(100, 3), refund(100, 1), refund(4_900)]],
        ],
      },
    );
  });
});
