import { randomUUID } from 'node:crypto';
import {
  asPaymentId,
  asRefundId,
  type ChainLink,
  type Currency,
  type JournalEntry,
  type JournalEntryKind,
  type JournalEntryRecord,
  type StoredLedger,
} from '@orders/core';
import type { Database, Sql } from '../database.js';
import { statementForRows, valuesPlaceholders } from '../sql-values.js';
import { statement, type Statement } from '../statement.js';
import {
  toRefund,
  toRefundAttempt,
  type RefundAttemptRow,
  type RefundRow,
} from '../refunds/refund.mapper.js';
import {
  toPaymentAttempt,
  toStoredPayment,
  type AttemptRow,
  type PaymentRow,
} from '../payments/payment.mapper.js';

/** A journal entry as stored: the balanced record plus its id, time and chain hashes. */
export interface StoredJournalEntry extends JournalEntryRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly prevHash: string;
  readonly hash: string;
}

interface EntryRow {
  id: string;
  payment_id: string;
  refund_id: string | null;
  kind: string;
  reference: string;
  created_at: Date | string;
  prev_hash: string;
  hash: string;
  postings: { account: string; amount_cents: string | number; currency: string }[];
}

/**
 * A balanced entry (only core's `buildJournalEntry` makes a `JournalEntry`) with its postings, in
 * one statement: the entry, then its postings in the entry's order (their ids follow it, and the
 * chain hash covers them in id order). The unique reference makes posting idempotent; a DB
 * trigger re-checks the balance at commit.
 */
export function journalEntryStatement(
  entry: JournalEntry,
  link: Pick<ChainLink, 'prevHash' | 'hash'>,
  at: Date,
): Statement {
  const currency = entry.postings[0]?.currency;
  if (currency === undefined) throw new Error(`journal entry ${entry.reference} has no postings`);
  return statement(insertEntrySql(entry.postings.length), [
    randomUUID(),
    entry.paymentId,
    entry.refundId,
    entry.kind,
    entry.reference,
    currency,
    at,
    link.prevHash,
    link.hash,
    ...entry.postings.flatMap((p, n) => [n, p.account, p.amountCents, p.currency]),
  ]);
}

const insertEntrySql = statementForRows(
  (postings) => `with entry as (
       insert into journal_entries
         (id, payment_id, refund_id, kind, reference, currency, created_at, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id)
     insert into postings (entry_id, account, amount_cents, currency)
     select entry.id, p.account, p.amount_cents::bigint, p.currency
       from entry, (values ${valuesPlaceholders(postings, 4)})
         as p(n, account, amount_cents, currency)
      order by p.n::int`,
);

const ENTRY_SELECT = `select e.id, e.payment_id, e.refund_id, e.kind, e.reference, e.created_at, e.prev_hash, e.hash,
    coalesce(json_agg(json_build_object('account', p.account, 'amount_cents', p.amount_cents,
      'currency', p.currency) order by p.id) filter (where p.id is not null), '[]') as postings
  from journal_entries e left join postings p on p.entry_id = e.id`;

export async function listEntriesForPayment(
  db: Sql,
  paymentId: string,
): Promise<StoredJournalEntry[]> {
  const rows = await db.execute<EntryRow[]>(
    `${ENTRY_SELECT} where e.payment_id = ? group by e.id order by e.created_at, e.id`,
    [paymentId],
  );
  return rows.map(toStoredEntry);
}

/**
 * The ledger as stored, for `verifyLedger` (through core's `assembleLedgerSnapshot`), read in one
 * repeatable-read snapshot so payments settling meanwhile cannot produce a half-written picture:
 * every payment, every attempt in number order, every entry with its postings in posting order.
 */
export function loadStoredLedger(db: Database): Promise<StoredLedger> {
  return db.snapshot(async (tx) => {
    const payments = (await tx.execute<PaymentRow[]>('select * from payments order by id')).map(
      toStoredPayment,
    );
    const entries = (
      await tx.execute<EntryRow[]>(
        `${ENTRY_SELECT} group by e.id order by e.payment_id, e.created_at, e.id`,
      )
    ).map(toStoredEntry);
    const attempts = (
      await tx.execute<(AttemptRow & { payment_id: string })[]>(
        'select * from payment_attempts order by payment_id, attempt_no',
      )
    ).map((row) => ({
      paymentId: asPaymentId(row.payment_id),
      attempt: toPaymentAttempt(row),
      prevHash: row.prev_hash,
      hash: row.hash,
    }));
    const refundRows = await tx.execute<RefundRow[]>(
      'select * from refunds order by created_at, id',
    );
    const refunds = refundRows.map((row) => {
      const refund = toRefund(row);
      const restock = refund.restock.map(({ sku, quantity }) => ({ sku, quantity }));
      return { ...refund, restock };
    });
    const refundAttempts = (
      await tx.execute<(RefundAttemptRow & { payment_id: string; refund_id: string })[]>(
        `select a.*, r.payment_id from refund_attempts a join refunds r on r.id = a.refund_id
          order by a.refund_id, a.attempt_no`,
      )
    ).map((row) => ({
      paymentId: asPaymentId(row.payment_id),
      refundId: asRefundId(row.refund_id),
      attempt: toRefundAttempt(row),
      prevHash: row.prev_hash,
      hash: row.hash,
    }));
    const purchases = (
      await tx.execute<{ payment_id: string; sku: string; quantity: number }[]>(
        `select p.id as payment_id, l.sku, l.quantity
           from payments p join order_lines l on l.order_id = p.order_id`,
      )
    ).map((row) => ({
      paymentId: asPaymentId(row.payment_id),
      sku: row.sku,
      quantity: row.quantity,
    }));
    return { payments, refunds, purchases, entries, attempts, refundAttempts };
  });
}

function toStoredEntry(row: EntryRow): StoredJournalEntry {
  return {
    id: row.id,
    paymentId: asPaymentId(row.payment_id),
    refundId: row.refund_id === null ? null : asRefundId(row.refund_id),
    kind: row.kind as JournalEntryKind,
    reference: row.reference,
    createdAt: new Date(row.created_at),
    prevHash: row.prev_hash,
    hash: row.hash,
    postings: row.postings.map((p) => ({
      account: p.account,
      amountCents: Number(p.amount_cents),
      currency: p.currency as Currency,
    })),
  };
}
