import { randomUUID } from 'node:crypto';
import {
  appendToPaymentChain,
  asPaymentId,
  attemptChainRecord,
  buildCaptureEntry,
  GENESIS_HASH,
  journalChainRecord,
  money,
  verifyLedger,
} from '@orders/core';
import { isAssertionFailure } from '../db-errors.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAttempt, findPaymentByOrder } from '../payments/payment.repository.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import {
  insertJournalEntry,
  listEntriesForPayment,
  loadLedgerSnapshot,
} from './ledger.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
let paymentId: string;
/** Records the seeded attempt again, as `leaseOwner`, once it is recorded and settled. */
let staleAppend: (leaseOwner: string) => Promise<void>;

/** A user, product, order and in-flight payment of 1,000 cents, written directly. */
async function seedPayment(): Promise<string> {
  const em = db.database;
  const userId = randomUUID();
  const orderId = randomUUID();
  const id = randomUUID();
  await em.execute(
    `insert into users (id, email, role, password_hash) values (?, ?, 'CUSTOMER', 'h')`,
    [userId, `${userId}@example.com`],
  );
  await em.execute(
    `insert into orders (id, user_id, status, currency, total_cents, created_at, expires_at, updated_at)
     values (?, ?, 'CONFIRMED', 'USD', 1000, now(), now(), now())`,
    [orderId, userId],
  );
  await em.execute(
    `insert into payments (id, order_id, user_id, status, amount_cents, currency, card_brand, card_last4,
       card_fingerprint, gateway_token, fraud_score, fraud_verdict, fraud_signals, chain_head,
       lease_owner, created_at, updated_at)
     values (?, ?, ?, 'PROCESSING', 1000, 'USD', 'visa', '4242', 'fp', 'APPROVE', 0, 'ALLOW', '[]', ?,
       'test-driver', now(), now())`,
    [id, orderId, userId, GENESIS_HASH],
  );
  // One row in each of the other append-only tables, so every rewrite below has a target.
  const productId = randomUUID();
  await em.execute(
    `insert into products (id, sku, name, price_cents, on_hand) values (?, 'LEDGER-1', 'L', 1, 1)`,
    [productId],
  );
  await em.execute(
    `insert into stock_movements (product_id, kind, on_hand_delta, reserved_delta, reason, actor, at)
     values (?, 'ADJUST', 1, 0, 'seed', 'test', now())`,
    [productId],
  );
  await em.execute(
    `insert into order_events (order_id, from_status, to_status, reason, actor, at)
     values (?, null, 'PENDING', 'created', 'test', now())`,
    [orderId],
  );
  return id;
}

beforeAll(async () => {
  db = await createMigratedTestDatabase();
  paymentId = await seedPayment();
  // The chain as the engine writes it: the approved attempt, then the capture.
  const attempt = {
    number: 1,
    outcome: 'APPROVED' as const,
    code: null,
    at: Date.now(),
    latencyMs: 1,
    gatewayRef: 'ref',
  };
  const afterAttempt = appendToPaymentChain(
    { chainHead: GENESIS_HASH },
    attemptChainRecord(asPaymentId(paymentId), attempt),
  );
  const entry = buildCaptureEntry(asPaymentId(paymentId), money(1000));
  const afterCapture = appendToPaymentChain(afterAttempt.payment, journalChainRecord(entry));
  const [row] = await db.database.execute<{ order_id: string }[]>(
    'select order_id from payments where id = ?',
    [paymentId],
  );
  const payment = await findPaymentByOrder(db.database, row?.order_id ?? '');
  if (!payment) throw new Error('seeded payment not found');
  const settled = {
    ...payment,
    status: 'SUCCESS' as const,
    leaseOwner: null,
    chainHead: afterCapture.payment.chainHead,
  };
  await db.database.transaction(async (em) => {
    await appendAttempt(em, {
      attempt,
      link: afterAttempt.link,
      payment: settled,
      leaseOwner: 'test-driver',
      at: new Date(),
    });
    await insertJournalEntry(em, entry, afterCapture.link, new Date());
  });
  staleAppend = (leaseOwner) =>
    appendAttempt(db.database, {
      attempt,
      link: afterAttempt.link,
      payment: settled,
      leaseOwner,
      at: new Date(),
    });
});
afterAll(async () => {
  await db.dispose();
});

describe('recording an attempt', () => {
  it('changes nothing for a driver that lost the payment, or records the same attempt again', async () => {
    const before = await loadLedgerSnapshot(db.database);
    await expect(staleAppend('test-driver')).rejects.toSatisfy(isAssertionFailure);
    await expect(staleAppend('other-driver')).rejects.toSatisfy(isAssertionFailure);
    expect(await loadLedgerSnapshot(db.database)).toEqual(before);
  });
});

describe('the journal in the database', () => {
  it('stores an entry with its postings and reads back a ledger that verifies', async () => {
    const entries = await listEntriesForPayment(db.database, paymentId);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.postings.map((p) => p.amountCents)).toEqual([1000, -1000]);
    const report = verifyLedger(await loadLedgerSnapshot(db.database));
    expect(report.problems).toEqual([]);
    expect(report.checked).toEqual({ entries: 1, payments: 1, chains: 1 });
  });

  it('refuses a second capture for the same payment (unique reference)', async () => {
    const entry = buildCaptureEntry(asPaymentId(paymentId), money(1000));
    const write = db.database.transaction((em) =>
      insertJournalEntry(em, entry, { prevHash: 'x', hash: 'y' }, new Date()),
    );
    await expect(write).rejects.toThrow(/journal_entries_reference_unique/);
  });

  it('refuses at commit an entry whose postings do not sum to zero, whoever wrote it', async () => {
    const write = db.database.transaction(async (em) => {
      const id = randomUUID();
      await em.execute(
        `insert into journal_entries (id, payment_id, kind, reference, currency, created_at, prev_hash, hash)
         values (?, ?, 'REFUND', ?, 'USD', now(), 'p', 'h')`,
        [id, paymentId, `refund:${paymentId}`],
      );
      await em.execute(
        `insert into postings (entry_id, account, amount_cents, currency) values (?, 'a', 500, 'USD'), (?, 'b', -400, 'USD')`,
        [id, id],
      );
    });
    await expect(write).rejects.toThrow(/unbalanced/);
    expect(await listEntriesForPayment(db.database, paymentId)).toHaveLength(1);
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
