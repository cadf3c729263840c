import { randomUUID } from 'node:crypto';
import {
  assembleLedgerSnapshot,
  beginAttempt,
  buildCaptureEntry,
  DEFAULT_RETRY_POLICY,
  err,
  ok,
  settleAttempt,
  verifyLedger,
  type AttemptSettlement,
  type GatewayOutcome,
  type Order,
} from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDbError } from '../db-errors.js';
import { stockMoveStatements, type StockShortage } from '../inventory/stock-moves.js';
import { findStockDrift } from '../inventory/stock-audit.js';
import { orderTransitionStatement } from '../orders/order.repository.js';
import type { StoredPayment } from '../payments/payment.mapper.js';
import {
  lockPaymentWithAttempts,
  recordAttemptStatement,
  savePaymentStateStatement,
  type LeaseLost,
} from '../payments/payment.repository.js';
import {
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  startTestPayment,
} from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import type { Statement } from '../statement.js';
import {
  journalEntryStatement,
  listEntriesForPayment,
  loadStoredLedger,
} from './ledger.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
const DRIVER = 'test-driver';

/** Core's settlement of the payment's next attempt with the gateway's `outcome`. */
function settle(
  payment: StoredPayment,
  attempts: readonly unknown[],
  outcome: GatewayOutcome,
  order: Order,
): AttemptSettlement<StoredPayment> {
  const settled = settleAttempt({
    payment,
    attempts,
    outcome,
    latencyMs: 7,
    now: Date.now(),
    policy: DEFAULT_RETRY_POLICY,
    random: () => 0.5,
    lines: order.lines,
  });
  if (!settled.ok) throw new Error(settled.error.code);
  return settled.value;
}

/** The attempt's statements: its record and, for a final state, its conclusion. */
function settlementStatements(settled: AttemptSettlement<StoredPayment>) {
  const at = new Date();
  const { conclusion } = settled;
  const payment = conclusion
    ? { ...settled.payment, leaseOwner: null, leaseUntil: null }
    : settled.payment;
  const statements: Statement<LeaseLost | StockShortage>[] = [
    recordAttemptStatement({
      attempt: settled.attempt,
      link: settled.attemptLink,
      payment,
      leaseOwner: DRIVER,
      at,
    }),
  ];
  if (conclusion) {
    const context = { orderId: payment.orderId, actor: 'payment-engine', at };
    statements.push(
      orderTransitionStatement(conclusion.transition, at),
      ...stockMoveStatements(conclusion.stock, context),
    );
    if (conclusion.capture) {
      statements.push(journalEntryStatement(conclusion.capture.entry, conclusion.capture.link, at));
    }
  }
  return statements;
}

async function commit(statements: readonly Statement<LeaseLost | StockShortage>[]): Promise<void> {
  const result = await db.database.transaction((tx) => tx.commitWith(statements));
  if (!result.ok) throw new Error(`refused: ${result.error.kind}`);
}

/** An order of one LEDGER-1 and its payment, PROCESSING its first attempt under DRIVER. */
async function startPayment(): Promise<{ order: Order; payment: StoredPayment }> {
  const order = await placeTestOrder(db.database, await insertTestUser(db.orm), [
    { sku: 'LEDGER-1', quantity: 1 },
  ]);
  return { order, payment: await startTestPayment(db.database, order, { leaseOwner: DRIVER }) };
}

let approved: { order: Order; payment: StoredPayment; settled: AttemptSettlement<StoredPayment> };
let retried: StoredPayment;
let declined: StoredPayment;

beforeAll(async () => {
  db = await createMigratedTestDatabase();
  await insertTestProducts(db.database, [{ sku: 'LEDGER-1', onHand: 100, priceCents: 1000 }]);

  // Approved at once: the attempt, the order confirmed, its stock shipped, the capture.
  const first = await startPayment();
  const settled = settle(first.payment, [], { outcome: 'APPROVED' }, first.order);
  await commit(settlementStatements(settled));
  approved = { ...first, settled };

  // A timeout, the next attempt begun, then approved: two attempts and a capture in one chain.
  const second = await startPayment();
  const timedOut = settle(
    second.payment,
    [],
    { outcome: 'ERROR', code: 'gateway_timeout' },
    second.order,
  );
  await commit(settlementStatements(timedOut));
  const begun = beginAttempt(timedOut.payment, [timedOut.attempt]);
  if (!begun.ok) throw new Error(begun.error.code);
  await commit([savePaymentStateStatement(begun.value.payment, new Date())]);
  const secondApproved = settle(
    begun.value.payment,
    [timedOut.attempt],
    { outcome: 'APPROVED' },
    second.order,
  );
  await commit(settlementStatements(secondApproved));
  retried = secondApproved.payment;

  // Declined: FAILED_FINAL, the order failed and its stock released, no capture.
  const third = await startPayment();
  const refused = settle(
    third.payment,
    [],
    { outcome: 'DECLINED', code: 'card_declined' },
    third.order,
  );
  await commit(settlementStatements(refused));
  declined = refused.payment;
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

describe('recording an attempt', () => {
  it('changes nothing for a driver that lost the payment, or that records the same attempt again', async () => {
    const before = await loadStoredLedger(db.database);
    const { settled } = approved;
    const again = (leaseOwner: string) =>
      db.database.transaction((tx) =>
        tx.commitWith([
          recordAttemptStatement({
            attempt: settled.attempt,
            link: settled.attemptLink,
            payment: settled.payment,
            leaseOwner,
            at: new Date(),
          }),
        ]),
      );
    expect(await again(DRIVER)).toEqual(err({ kind: 'lease-lost' }));
    expect(await again('other-driver')).toEqual(err({ kind: 'lease-lost' }));
    expect(await loadStoredLedger(db.database)).toEqual(before);
  });
});

describe('the journal in the database', () => {
  it('stores a capture with its postings in the entry’s order', async () => {
    const capture = approved.settled.conclusion?.capture;
    const entries = await listEntriesForPayment(db.database, approved.payment.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      paymentId: approved.payment.id,
      kind: 'CAPTURE',
      reference: `capture:${approved.payment.id}`,
      postings: capture?.entry.postings,
      prevHash: capture?.link.prevHash,
      hash: capture?.link.hash,
    });
    expect(entries[0]?.postings.map((p) => p.amountCents)).toEqual([1000, -1000]);
  });

  it('loads a stored ledger that agrees with what was written, and that core verifies', async () => {
    const stored = await loadStoredLedger(db.database);
    expect(stored.payments.map((p) => [p.id, p.status, p.chainHead]).sort()).toEqual(
      [
        [approved.payment.id, 'SUCCESS', approved.settled.payment.chainHead],
        [retried.id, 'SUCCESS', retried.chainHead],
        [declined.id, 'FAILED_FINAL', declined.chainHead],
      ].sort(),
    );
    expect(
      stored.attempts.filter((a) => a.paymentId === retried.id).map((a) => a.attempt.number),
    ).toEqual([1, 2]);
    expect(stored.attempts.find((a) => a.paymentId === approved.payment.id)).toEqual({
      paymentId: approved.payment.id,
      attempt: approved.settled.attempt,
      prevHash: approved.settled.attemptLink.prevHash,
      hash: approved.settled.attemptLink.hash,
    });
    expect(stored.entries.map((e) => e.reference).sort()).toEqual(
      [`capture:${approved.payment.id}`, `capture:${retried.id}`].sort(),
    );

    const report = verifyLedger(assembleLedgerSnapshot(stored));
    expect(report.problems).toEqual([]);
    expect(report.checked).toEqual({ entries: 2, payments: 3, chains: 3 });
  });

  it('lets core notice a payment whose chain head no longer matches its stored chain', async () => {
    const [row] = await db.database.execute<{ chain_head: string }[]>(
      'select chain_head from payments where id = ?',
      [retried.id],
    );
    await db.database.execute('update payments set chain_head = ? where id = ?', [
      '0'.repeat(64),
      retried.id,
    ]);
    try {
      const report = verifyLedger(assembleLedgerSnapshot(await loadStoredLedger(db.database)));
      expect(report.problems.map((p) => p.code)).toContain('CHAIN_HEAD_MISMATCH');
    } finally {
      await db.database.execute('update payments set chain_head = ? where id = ?', [
        row?.chain_head,
        retried.id,
      ]);
    }
  });

  it('refuses a second capture for the same payment (unique reference)', async () => {
    const entry = buildCaptureEntry(approved.payment.id, approved.payment.amount);
    const write = db.database.transaction((tx) =>
      tx.commitWith([journalEntryStatement(entry, { prevHash: 'x', hash: 'y' }, new Date())]),
    );
    const error = await write.catch((reason: unknown) => reason);
    expect(classifyDbError(error)).toEqual({
      kind: 'unique',
      constraint: 'journal_entries_reference_unique',
    });
    expect(await listEntriesForPayment(db.database, approved.payment.id)).toHaveLength(1);
  });

  it('refuses at commit an entry whose postings do not sum to zero, whoever wrote it', async () => {
    const paymentId = declined.id;
    const write = db.database.transaction(async (tx) => {
      const id = randomUUID();
      await tx.execute(
        `insert into journal_entries (id, payment_id, kind, reference, currency, created_at, prev_hash, hash)
         values (?, ?, 'CAPTURE', ?, 'USD', now(), 'p', 'h')`,
        [id, paymentId, `capture:${paymentId}`],
      );
      await tx.execute(
        `insert into postings (entry_id, account, amount_cents, currency) values (?, 'a', 500, 'USD'), (?, 'b', -400, 'USD')`,
        [id, id],
      );
      return ok(undefined);
    });
    const error = await write.catch((reason: unknown) => reason);
    expect(error).toMatchObject({ message: expect.stringMatching(/unbalanced/) });
    expect(classifyDbError(error)).toEqual({
      kind: 'check',
      constraint: 'journal_entries_balanced',
    });
    expect(await listEntriesForPayment(db.database, paymentId)).toEqual([]);
  });

  it('reads a payment’s chained attempts in number order under its lock', async () => {
    const locked = await db.database.transaction(async (tx) =>
      ok(await lockPaymentWithAttempts(tx, retried.id)),
    );
    const attempts = locked.ok ? (locked.value?.attempts ?? []) : [];
    expect(attempts.map((a) => a.attempt.number)).toEqual([1, 2]);
    expect(attempts[1]?.prevHash).toBe(attempts[0]?.hash);
    expect(locked).toMatchObject(ok({ payment: { id: retried.id, chainHead: retried.chainHead } }));
  });

  it.each([
    `update journal_entries set reference = 'x'`,
    'delete from journal_entries',
    'update postings set amount_cents = amount_cents + 1',
    'delete from postings',
    'truncate postings cascade',
    `update payment_attempts set outcome = 'APPROVED'`,
    'delete from payment_attempts',
    `update order_events set reason = 'rewritten'`,
    'delete from stock_movements',
  ])('refuses to rewrite history: %s', async (sql) => {
    await expect(db.database.execute(sql)).rejects.toThrow(/append-only/);
  });
});
