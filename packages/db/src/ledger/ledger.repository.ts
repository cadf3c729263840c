import { randomUUID } from 'node:crypto';
import {
  asPaymentId,
  attemptChainRecord,
  journalChainRecord,
  type ChainLink,
  type Currency,
  type JournalEntry,
  type JournalEntryKind,
  type JournalEntryRecord,
  type LedgerSnapshot,
  type PaymentChain,
} from '@orders/core';
import type { Database, Sql } from '../database.js';
import { inSnapshot } from '../snapshot.js';
import { statementForRows, valuesPlaceholders } from '../sql-values.js';
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
  kind: string;
  reference: string;
  created_at: Date | string;
  prev_hash: string;
  hash: string;
  postings: { account: string; amount_cents: string | number; currency: string }[];
}

/**
 * Posts a balanced entry (only core's `buildJournalEntry` makes a `JournalEntry`) with its
 * postings. The unique reference makes posting idempotent; a DB trigger re-checks the balance
 * at commit.
 */
export async function insertJournalEntry(
  db: Sql,
  entry: JournalEntry,
  link: Pick<ChainLink, 'prevHash' | 'hash'>,
  at: Date,
): Promise<string> {
  const id = randomUUID();
  const currency = entry.postings[0]?.currency ?? 'USD';
  if (entry.postings.length === 0)
    throw new Error(`journal entry ${entry.reference} has no postings`);
  // One statement: the entry, then its postings in the entry's order (their ids follow it, and
  // the chain hash covers them in id order).
  await db.execute(insertEntrySql(entry.postings.length), [
    id,
    entry.paymentId,
    entry.kind,
    entry.reference,
    currency,
    at,
    link.prevHash,
    link.hash,
    ...entry.postings.flatMap((p, n) => [n, p.account, p.amountCents, p.currency]),
  ]);
  return id;
}

const insertEntrySql = statementForRows(
  (postings) => `with entry as (
       insert into journal_entries (id, payment_id, kind, reference, currency, created_at, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?, ?, ?) returning id)
     insert into postings (entry_id, account, amount_cents, currency)
     select entry.id, p.account, p.amount_cents::bigint, p.currency
       from entry, (values ${valuesPlaceholders(postings, 4)})
         as p(n, account, amount_cents, currency)
      order by p.n::int`,
);

const ENTRY_SELECT = `select e.id, e.payment_id, e.kind, e.reference, e.created_at, e.prev_hash, e.hash,
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
 * Everything `verifyLedger` needs, read in one repeatable-read snapshot (payments settling
 * meanwhile cannot produce a half-written picture): every
 * payment, every entry with its postings, and each payment's chain in append order (its attempts
 * by number, then its entries in posting order — entries only ever follow the last attempt).
 */
export function loadLedgerSnapshot(db: Database): Promise<LedgerSnapshot> {
  return inSnapshot(db, readSnapshot);
}

async function readSnapshot(db: Sql): Promise<LedgerSnapshot> {
  const payments = (await db.execute<PaymentRow[]>('select * from payments order by id')).map(
    toStoredPayment,
  );
  const entries = (
    await db.execute<EntryRow[]>(
      `${ENTRY_SELECT} group by e.id order by e.payment_id, e.created_at, e.id`,
    )
  ).map(toStoredEntry);
  const attempts = await db.execute<(AttemptRow & { payment_id: string })[]>(
    'select * from payment_attempts order by payment_id, attempt_no',
  );

  const chains = new Map<string, ChainLink[]>();
  const linksOf = (paymentId: string): ChainLink[] => {
    let links = chains.get(paymentId);
    if (!links) chains.set(paymentId, (links = []));
    return links;
  };
  for (const row of attempts) {
    const paymentId = asPaymentId(row.payment_id);
    const record = attemptChainRecord(paymentId, toPaymentAttempt(row));
    linksOf(row.payment_id).push({ record, prevHash: row.prev_hash, hash: row.hash });
  }
  for (const entry of entries) {
    const record = journalChainRecord(entry);
    linksOf(entry.paymentId).push({ record, prevHash: entry.prevHash, hash: entry.hash });
  }
  const paymentChains: PaymentChain[] = [...chains].map(([paymentId, links]) => ({
    paymentId: asPaymentId(paymentId),
    links,
  }));
  return { payments, entries, chains: paymentChains };
}

function toStoredEntry(row: EntryRow): StoredJournalEntry {
  return {
    id: row.id,
    paymentId: asPaymentId(row.payment_id),
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
