import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** `journal_entries`: append-only, unique by reference, balanced at commit (a DB trigger). */
export const JournalEntrySchema = defineEntity({
  name: 'JournalEntry',
  tableName: 'journal_entries',
  properties: (p) => ({
    id: p.uuid().primary(),
    paymentId: p.uuid(),
    kind: p.string(),
    reference: p.string().unique(),
    currency: p.string(),
    createdAt: p.datetime(),
    prevHash: p.string(),
    hash: p.string(),
  }),
});

/** `postings`: signed amounts (debit > 0, credit < 0) of one entry. */
export const PostingSchema = defineEntity({
  name: 'Posting',
  tableName: 'postings',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    entryId: p.uuid(),
    account: p.string(),
    amountCents: p.bigint('number'),
    currency: p.string(),
  }),
});

export type JournalEntryEntity = InferEntity<typeof JournalEntrySchema>;
export type PostingEntity = InferEntity<typeof PostingSchema>;
